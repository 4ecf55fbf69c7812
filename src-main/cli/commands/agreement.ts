// `smearlab agreement`: how far the readers of the chosen slides agree
// (Cohen's kappa per pair, Fleiss' kappa, per class, confusion matrices,
// bootstrap intervals), computed by the contract's `agreement` operation.
import { parseArgs } from 'node:util';
import { withCliApi } from '../cli-api.ts';
import { slideIdsOfSmears } from '../smear-ids.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { CliUsageError, integerOption } from '../command.ts';
import { agreementText } from '../agreement-text.ts';
import { printableLines } from '../terminal-text.ts';

export const agreementCommand: CliCommand = {
  name: 'agreement',
  summary: "Agreement between readers: Cohen's and Fleiss' kappa, per class, confusion matrices",
  usage: [
    'Usage: smearlab agreement [--smears ID,ID] [--rounds N] [--seed N] [--db PATH] [--json]',
    '',
    '  --smears ID,ID   slides to pool (default: every slide)',
    '  --rounds N       bootstrap rounds for the 95 % intervals (default 1000, 0 = none)',
    '  --seed N         bootstrap seed (default 1): same seed, same intervals',
  ].join('\n'),
  async run(args, io: CliIo) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { db: { type: 'string' }, smears: { type: 'string' }, rounds: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length) throw new CliUsageError(`unexpected argument "${positionals[0]}"`);
    const report = await withCliApi({ ...(values.db ? { dbPath: values.db } : {}), flags: { slideIds: '--smears', rounds: '--rounds', seed: '--seed' } },
      async (api) => {
        const slideIds = await slideIdsOfSmears(api, values.smears);
        return api.call('agreement', {
          ...(slideIds ? { slideIds } : {}),
          ...(values.rounds !== undefined ? { rounds: integerOption('rounds', values.rounds, 0, 10_000) } : {}),
          ...(values.seed !== undefined ? { seed: integerOption('seed', values.seed, 0, 2 ** 31 - 1) } : {}),
        });
      });
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else io.out(printableLines(agreementText(report)));
    return 0;
  },
};

// `--smears ID,ID`: the smear ids a lab knows its slides by, turned into the
// contract's slide ids through the library; an unknown one is named.
import type { CliApi } from './cli-api.ts';
import { CliError } from './command.ts';

export async function slideIdsOfSmears(api: CliApi, smears: string | undefined): Promise<number[] | undefined> {
  if (smears === undefined) return undefined;
  const library = await api.call('listSlides', {});
  return smears.split(',').map((s) => s.trim()).filter(Boolean).map((smear) => {
    const slide = library.find((s) => s.smearId === smear);
    if (!slide) throw new CliError(`no slide with smear id "${smear}" in ${api.local.store.path}`);
    return slide.id;
  });
}

// How every `smearlab` command reaches the app: the same contract the
// windows call, invoked in-process through a runtime of its own (store,
// scans, job workers). Flags are mapped onto the contract's inputs; its
// validation errors come back as usage errors that name the flags.
import type { Input, Output } from '../api/contract.ts';
import type { ApiError } from '../api/errors.ts';
import type { ApiEventListener, ApiEventName } from '../api/events.ts';
import type { OperationName } from '../api/operation-names.ts';
import { openLocalRuntime } from '../runtime/local-runtime.ts';
import type { LocalRuntime, LocalRuntimeOptions } from '../runtime/local-runtime.ts';
import { CliError, CliUsageError } from './command.ts';

export interface CliApi {
  /** Runs one operation; a refused input throws CliUsageError, any other failure CliError. */
  call<K extends OperationName>(operation: K, input: Input<K>): Promise<Output<K>>;
  on<E extends ApiEventName>(event: E, listener: ApiEventListener<E>): () => void;
  readonly local: LocalRuntime;
}

/** Contract field -> the flag that sets it, so messages speak in flags. */
export type FlagNames = Record<string, string>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The contract's "op: field: problem; ..." with each field written as its flag. */
function flagMessage(error: ApiError, operation: string, flags: FlagNames): string {
  let message = error.message.slice(operation.length + 2);
  for (const [field, flag] of Object.entries(flags)) {
    message = message.replace(new RegExp(`(^|; )${escapeRegExp(field)}(?=[.:])`, 'g'), `$1${flag}`);
  }
  return message;
}

export function cliApiOf(local: LocalRuntime, flags: FlagNames = {}): CliApi {
  return {
    local,
    async call(operation, input) {
      const answer = await local.runtime.invoke(operation, input);
      if (answer.ok) return answer.value as Output<typeof operation>;
      // The contract's own check prefixes the operation: that is a flag problem (exit 2, with usage).
      // A handler's 'bad-input' (a folder that is not an export) is about the files: exit 1.
      if (answer.error.code === 'bad-input' && answer.error.message.startsWith(`${operation}: `)) {
        throw new CliUsageError(flagMessage(answer.error, operation, flags));
      }
      throw new CliError(answer.error.message);
    },
    on(event, listener) {
      return local.runtime.events.subscribe((name: ApiEventName, payload: unknown) => {
        if (name === event) listener(payload as Parameters<typeof listener>[0]);
      });
    },
  };
}

/** Opens a runtime on the database, runs the command with it, and closes it (jobs first) whatever happens. */
export async function withCliApi<T>(options: LocalRuntimeOptions & { flags?: FlagNames }, use: (api: CliApi) => Promise<T>): Promise<T> {
  const local = openLocalRuntime({ ...options, mode: 'cli', log: options.log ?? (() => undefined) });
  try {
    return await use(cliApiOf(local, options.flags));
  } finally {
    await local.close();
  }
}

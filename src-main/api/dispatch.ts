// The single entry every adapter calls: validate against the contract, run
// the handler, and turn whatever it throws into an ApiError value. Never
// throws and never rejects, so a bad request cannot crash a shell.

import type { ApiContext } from './context.ts';
import type { ApiError } from './errors.ts';
import { toApiError } from './errors.ts';
import type { Handler } from './handlers/handler.ts';
import { HANDLERS } from './handlers/index.ts';
import type { OperationName } from './operation-names.ts';
import { validateOperation } from './validate.ts';

export type ApiResult<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface DispatchOptions {
  /** Told about every 'internal' error (a bug) with the operation and the original error. */
  onInternalError?: (operation: string, error: unknown) => void;
}

export async function invokeOperation(ctx: ApiContext, operation: string, rawInput: unknown, options: DispatchOptions = {}): Promise<ApiResult> {
  const validated = validateOperation(operation, rawInput);
  if (!validated.ok) return validated;
  try {
    const handler = HANDLERS[validated.operation] as Handler<OperationName>;
    return { ok: true, value: await handler(validated.input as never, ctx) };
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.code === 'internal') {
      (options.onInternalError ?? ((op, e) => console.error(`[api] ${op} failed:`, e)))(operation, error);
    }
    return { ok: false, error: apiError };
  }
}

// The shape of the handler table: one function per contract operation,
// receiving the validated input and the context, returning the output type.

import type { ApiContext } from '../context.ts';
import type { Output, ParsedInput } from '../contract.ts';
import type { OperationName } from '../operation-names.ts';

export type Handler<K extends OperationName> = (input: ParsedInput<K>, ctx: ApiContext) => Output<K> | Promise<Output<K>>;

export type Handlers = { [K in OperationName]: Handler<K> };

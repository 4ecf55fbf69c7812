// Execution-provider choice for ONNX Runtime sessions: walk the user's ordered
// preference (settings or --ep, e.g. "cuda,webgpu,dml,coreml,cpu"), skip what
// this onnxruntime-node build lacks or cannot start, keep the reason, and say
// which provider actually runs. Each provider is tried alone because
// onnxruntime-node fails the whole session when any listed provider fails to
// load (['cuda', 'cpu'] throws on a machine without CUDA); it does not fall
// back by itself.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { SmearlabError } from '../../domain/errors.ts';
import type { ProviderSkip } from './segmenter.ts';

/** Names onnxruntime-node accepts in `executionProviders` on some platform. */
export const KNOWN_PROVIDERS = ['cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'qnn', 'cpu'] as const;

/**
 * Default preference. WebGPU is left out: in onnxruntime-node 1.30 it is bundled
 * but experimental; users who want it name it (--ep webgpu,cpu).
 */
export const DEFAULT_PROVIDERS: readonly string[] = Object.freeze(['cuda', 'dml', 'coreml', 'cpu']);

// Session log level 4 (fatal only): a provider that cannot load is reported
// through our skip list, not as a red stack line from the native logger.
const QUIET_LOG_LEVEL = 4;

/** "cuda, WebGPU,cpu" -> ['cuda', 'webgpu', 'cpu']; unknown names are an error. */
export function parseProviderList(text: string | readonly string[]): string[] {
  const items = (typeof text === 'string' ? text.split(',') : [...text]).map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = items.filter((p) => !(KNOWN_PROVIDERS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new RangeError(`unknown execution provider ${unknown.map((u) => `'${u}'`).join(', ')}; known: ${KNOWN_PROVIDERS.join(', ')}`);
  }
  if (items.length === 0) throw new RangeError('execution provider list is empty');
  return [...new Set(items)];
}

/** What this onnxruntime-node build knows, and whether each provider ships in the package. */
export function availableBackends(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
function bindingDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    return join(dirname(pkg), 'bin', 'napi-v6', platform(), arch());
  } catch {
    return null;
  }
}

/**
 * Linux provider libraries the install script adds for a non-bundled provider.
 * Checking for them first avoids a failed dlopen, which the native logger
 * prints to stderr whatever the session's log level.
 */
const LINUX_PROVIDER_LIBS: Record<string, string[]> = {
  cuda: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'],
  tensorrt: ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_tensorrt.so'],
};

function missingProviderLibrary(provider: string): string | null {
  const libs = LINUX_PROVIDER_LIBS[provider];
  if (platform() !== 'linux' || !libs) return null;
  const dir = bindingDir();
  if (!dir) return null;
  const missing = libs.find((lib) => !existsSync(join(dir, lib)));
  return missing ? join(dir, missing) : null;
}

function explain(provider: string, message: string, bundled: boolean): string {
  const firstLine = message.split('\n')[0]!.trim();
  if (/failed to load shared library|cannot open shared object/i.test(message) && !bundled) {
    return `${provider} provider library is not installed (onnxruntime-node is installed without it; `
      + `reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12, see models/README.md): ${firstLine}`;
  }
  if (/adapter/i.test(message) && provider === 'webgpu') return `no WebGPU adapter on this machine: ${firstLine}`;
  return firstLine;
}

export interface SessionChoice {
  session: ort.InferenceSession;
  provider: string;
  skipped: ProviderSkip[];
}

export interface CreateSessionOptions {
  providers: readonly string[];
  intraOpNumThreads?: number;
  log?: (message: string) => void;
}

/** No provider of the preference could open the model. */
export class NoProviderError extends SmearlabError<'no-provider'> {
  readonly skipped: ProviderSkip[];
  /** The CPU provider's own error when CPU was tried: then the model itself is at fault. */
  readonly cpuError: Error | null;

  constructor(skipped: ProviderSkip[], cpuError: Error | null) {
    super('no-provider', skipped.map((s) => `${s.provider}: ${s.reason}`).join('; '));
    this.name = 'NoProviderError';
    this.skipped = skipped;
    this.cpuError = cpuError;
  }
}

/** Creates a session on the first provider of the preference that works. */
export async function createSession(modelPath: string, opts: CreateSessionOptions): Promise<SessionChoice> {
  const backends = availableBackends();
  const skipped: ProviderSkip[] = [];
  let cpuError: Error | null = null;
  for (const provider of opts.providers) {
    const backend = backends.find((b) => b.name === provider);
    if (!backend) {
      const reason = `not part of onnxruntime-node ${ort.env.versions.node ?? ''} for ${platform()}/${arch()} `
        + `(this build has: ${backends.map((b) => b.name).join(', ')})`;
      skipped.push({ provider, reason });
      opts.log?.(`execution provider ${provider} skipped: ${reason}`);
      continue;
    }
    const missing = backend.bundled ? null : missingProviderLibrary(provider);
    if (missing) {
      const reason = `${provider} provider library is not installed (${missing} is missing; onnxruntime-node was installed `
        + `without it, see models/README.md for ONNXRUNTIME_NODE_INSTALL=cuda12)`;
      skipped.push({ provider, reason });
      opts.log?.(`execution provider ${provider} skipped: ${reason}`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        logSeverityLevel: QUIET_LOG_LEVEL,
        graphOptimizationLevel: 'all',
        ...(opts.intraOpNumThreads !== undefined ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
      });
      return { session, provider, skipped };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (provider === 'cpu') cpuError = error;
      const reason = explain(provider, error.message, backend.bundled);
      skipped.push({ provider, reason });
      opts.log?.(`execution provider ${provider} skipped: ${reason}`);
    }
  }
  throw new NoProviderError(skipped, cpuError);
}

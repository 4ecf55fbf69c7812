// What a path on the machine that runs Smearlab must be, declared once for
// the contract's check (api/contract.ts hostPath) and for the forms that
// check as the user types (ingest path, export folder). No Node here: the
// renderer uses it.

/** Windows drive (C:\ or C:/), UNC (\\server\share) or POSIX (/). */
export const ABSOLUTE_PATH = /^(?:[A-Za-z]:[\\/]|\\\\|\/)/;
export const HOST_PATH_MAX = 4096;

/** The contract's messages; a form puts the field's name in front. */
export const HOST_PATH_PROBLEMS = {
  empty: 'is empty',
  tooLong: `is longer than ${HOST_PATH_MAX} characters`,
  nul: 'contains a NUL byte',
  relative: 'must be an absolute path (it is read on the machine that runs Smearlab)',
} as const;

/** Why a path cannot be sent as a host path, or null when it can. */
export function hostPathProblem(path: string): string | null {
  if (path.length === 0) return HOST_PATH_PROBLEMS.empty;
  if (path.length > HOST_PATH_MAX) return HOST_PATH_PROBLEMS.tooLong;
  if (path.includes('\0')) return HOST_PATH_PROBLEMS.nul;
  if (!ABSOLUTE_PATH.test(path)) return HOST_PATH_PROBLEMS.relative;
  return null;
}

import { LIMITS } from '@beatframe/pipeline';

/**
 * Checks on what a request names before it reaches the service: a project or shot id is a short
 * printable token, never a path or a string with control characters (a NUL byte used to reach SQL).
 */
export function badId(id: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (!id || id.length > LIMITS.maxIdChars || /[\u0000-\u001f\u007f/\\]/.test(id))
    return `${JSON.stringify(id.slice(0, 40))} is not a valid id`;
  return undefined;
}

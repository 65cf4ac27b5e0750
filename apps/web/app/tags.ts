/** Title and artist from an MP3's ID3v2 tag (what Suno writes), read in the browser before upload. */
export async function readTags(file: File): Promise<{ title?: string; artist?: string }> {
  const head = new Uint8Array(await file.slice(0, 10).arrayBuffer());
  if (head[0] !== 0x49 || head[1] !== 0x44 || head[2] !== 0x33) return {}; // "ID3"
  const version = head[3] ?? 3;
  const syncsafe = (b: Uint8Array, i: number) =>
    ((b[i] ?? 0) << 21) | ((b[i + 1] ?? 0) << 14) | ((b[i + 2] ?? 0) << 7) | (b[i + 3] ?? 0);
  const size = syncsafe(head, 6);
  const tag = new Uint8Array(await file.slice(10, 10 + Math.min(size, 512 * 1024)).arrayBuffer());
  const out: { title?: string; artist?: string } = {};
  let i = 0;
  while (i + 10 <= tag.length) {
    const id = String.fromCharCode(...tag.subarray(i, i + 4));
    if (!/^[A-Z0-9]{4}$/.test(id)) break;
    const len =
      version >= 4
        ? syncsafe(tag, i + 4)
        : (((tag[i + 4] ?? 0) << 24) |
            ((tag[i + 5] ?? 0) << 16) |
            ((tag[i + 6] ?? 0) << 8) |
            (tag[i + 7] ?? 0)) >>>
          0;
    const body = tag.subarray(i + 10, i + 10 + len);
    if (id === 'TIT2' || id === 'TPE1') {
      const text = decodeText(body);
      if (text) out[id === 'TIT2' ? 'title' : 'artist'] = text;
    }
    i += 10 + len;
  }
  return out;
}

function decodeText(body: Uint8Array): string {
  const enc = body[0];
  const bytes = body.subarray(1);
  const label = enc === 1 ? 'utf-16' : enc === 2 ? 'utf-16be' : enc === 3 ? 'utf-8' : 'latin1';
  return new TextDecoder(label).decode(bytes).replace(/\0+$/g, '').replace(/\0/g, ' / ').trim().slice(0, 200);
}

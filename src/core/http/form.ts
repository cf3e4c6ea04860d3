// Reads a form POST body: urlencoded or multipart, at most 16 KB, never throwing on junk.

const MAX_BODY = 16 * 1024;

export async function readForm(request: Request): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  const type = request.headers.get('content-type') ?? '';
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_BODY) return fields;
  try {
    if (type.startsWith('multipart/form-data')) {
      const data = await request.formData();
      for (const [key, value] of data) if (typeof value === 'string' && !fields.has(key)) fields.set(key, value);
      return fields;
    }
    const text = await request.text();
    if (text.length > MAX_BODY) return fields;
    for (const [key, value] of new URLSearchParams(text)) if (!fields.has(key)) fields.set(key, value);
  } catch {
    // An unreadable body is an empty form; the route then answers with its own clear page.
  }
  return fields;
}

// Reads a form POST body: urlencoded or multipart, at most BODY_LIMITS.form bytes (a 413 past that, through
// readBody), never throwing on junk.

import { BODY_LIMITS, readBody } from './body.ts';

export async function readForm(request: Request, limit: number = BODY_LIMITS.form): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  const type = request.headers.get('content-type') ?? '';
  const bytes = await readBody(request, limit);
  try {
    if (type.startsWith('multipart/form-data')) {
      // Parsed from the capped bytes, never from the request's own stream.
      const data = await new Response(bytes, { headers: { 'content-type': type } }).formData();
      for (const [key, value] of data) if (typeof value === 'string' && !fields.has(key)) fields.set(key, value);
      return fields;
    }
    const text = new TextDecoder().decode(bytes);
    for (const [key, value] of new URLSearchParams(text)) if (!fields.has(key)) fields.set(key, value);
  } catch {
    // An unreadable body is an empty form; the route then answers with its own clear page.
  }
  return fields;
}

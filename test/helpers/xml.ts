/**
 * A strict XML 1.0 well-formedness check for test output (no dependency has a parser): balanced
 * and properly nested elements, quoted and unique attributes, only the five predefined entities
 * or character references, no raw `<` or `&` in text. Returns the first problem, or undefined.
 */
export function xmlProblem(xml: string): string | undefined {
  let i = 0;
  const stack: string[] = [];
  const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
  const entityOk = (s: string) => /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/.test(s);
  const checkText = (text: string, at: number): string | undefined => {
    for (let j = 0; j < text.length; j++) {
      if (text[j] === '<') return `raw < at ${at + j}`;
      if (text[j] === '&' && !entityOk(text.slice(j))) return `bad entity at ${at + j}`;
    }
    return undefined;
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) return 'unterminated XML declaration';
    i = end + 2;
  }
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    const bad = checkText(text, i);
    if (bad) return bad;
    if (stack.length === 0 && text.trim() !== '') return `text outside the root at ${i}`;
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end < 0) return 'unterminated comment';
      i = end + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) return `unterminated tag at ${lt}`;
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) return `mismatched </${name}> at ${lt}`;
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = NAME.exec(body);
      if (!m) return `bad element name at ${lt}`;
      let rest = body.slice(m[0].length);
      const seen = new Set<string>();
      for (;;) {
        rest = rest.replace(/^\s+/, '');
        if (!rest) break;
        const a = /^([A-Za-z_:][A-Za-z0-9_.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(rest);
        if (!a) return `bad attribute in <${m[0]}> at ${lt}`;
        if (seen.has(a[1] as string)) return `duplicate attribute ${a[1]} at ${lt}`;
        seen.add(a[1] as string);
        const value = a[3] ?? a[4] ?? '';
        const badValue = checkText(value, lt);
        if (badValue) return `attribute ${a[1]}: ${badValue}`;
        rest = rest.slice(a[0].length);
      }
      if (stack.length === 0) roots++;
      if (roots > 1) return `second root element at ${lt}`;
      if (!selfClosing) stack.push(m[0]);
    }
    i = gt + 1;
  }
  if (stack.length) return `unclosed <${stack.at(-1)}>`;
  if (roots !== 1) return 'no root element';
  return undefined;
}

/** Attribute values of every element with this name, unescaped. */
export function xmlAttributes(xml: string, element: string, attribute: string): string[] {
  const re = new RegExp(`<${element}\\b[^>]*?\\s${attribute}="([^"]*)"`, 'g');
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  return [...xml.matchAll(re)].map((m) => unescape(m[1] as string));
}

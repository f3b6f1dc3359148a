// Finds the VERSION vApp property in OVF descriptor XML: <Property ovf:key="VERSION" ... ovf:value="..."/>.
import { KilnError } from '@kiln/errors';

export interface XmlStartTag {
  /** Qualified element name, e.g. `Property` or `ovf:Property`. */
  name: string;
  /** Attribute values with entities decoded, by qualified name. */
  attributes: Map<string, string>;
  /** 1-based line of the `<`. */
  line: number;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function xmlError(what: string, text: string, offset: number, where: string): KilnError {
  return new KilnError('OVF_XML_INVALID', `${where} is not well-formed XML: ${what} (line ${lineAt(text, offset)})`, {
    hint: 'the .ovf descriptor may be damaged; compare it with the .mf checksums or download the OVA again',
  });
}

/** XML attribute value: literal whitespace becomes spaces, then entity and character references are decoded. */
export function decodeXmlAttribute(raw: string, onError: (what: string) => never = (w) => { throw new Error(w); }): string {
  const normalized = raw.replace(/\r\n|[\r\n\t]/g, ' ');
  return normalized.replace(/&([^;&\s]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) return onError(`"&" not followed by an entity reference in ${JSON.stringify(raw)}`);
    const hex = /^#x([0-9a-fA-F]+)$/.exec(ref);
    const dec = /^#([0-9]+)$/.exec(ref);
    const code = hex ? parseInt(hex[1], 16) : dec ? parseInt(dec[1], 10) : undefined;
    if (code !== undefined) {
      if (code > 0x10ffff || code === 0) return onError(`invalid character reference &${ref};`);
      return String.fromCodePoint(code);
    }
    if (ref in PREDEFINED) return PREDEFINED[ref];
    return onError(`unknown entity &${ref}; in ${JSON.stringify(raw)}`);
  });
}

/** Every start tag of `xml` (comments, CDATA, processing instructions and the DOCTYPE are skipped). */
export function xmlStartTags(xml: string, where = 'the XML'): XmlStartTag[] {
  const tags: XmlStartTag[] = [];
  const skipTo = (from: number, end: string, what: string): number => {
    const at = xml.indexOf(end, from);
    if (at === -1) throw xmlError(`unterminated ${what}`, xml, from, where);
    return at + end.length;
  };
  let i = 0;
  while ((i = xml.indexOf('<', i)) !== -1) {
    const start = i;
    if (xml.startsWith('<!--', i)) i = skipTo(i + 4, '-->', 'comment');
    else if (xml.startsWith('<![CDATA[', i)) i = skipTo(i + 9, ']]>', 'CDATA section');
    else if (xml.startsWith('<?', i)) i = skipTo(i + 2, '?>', 'processing instruction');
    else if (xml.startsWith('<!', i)) {
      const bracket = xml.indexOf('[', i);
      const close = xml.indexOf('>', i);
      i = bracket !== -1 && bracket < close ? skipTo(bracket, ']>', 'DOCTYPE') : skipTo(i, '>', 'declaration');
    } else if (xml[i + 1] === '/') i = skipTo(i, '>', 'end tag');
    else {
      const name = /^[^\s/>]+/.exec(xml.slice(i + 1, i + 201))?.[0];
      if (!name) throw xmlError('"<" without an element name', xml, start, where);
      i += 1 + name.length;
      const attributes = new Map<string, string>();
      for (;;) {
        while (/\s/.test(xml[i] ?? '')) i++;
        if (i >= xml.length) throw xmlError(`unterminated <${name}> tag`, xml, start, where);
        if (xml[i] === '>') { i++; break; }
        if (xml.startsWith('/>', i)) { i += 2; break; }
        const attr = /^[^\s=/>]+/.exec(xml.slice(i, i + 200))?.[0];
        if (!attr) throw xmlError(`unexpected ${JSON.stringify(xml[i])} in <${name}>`, xml, i, where);
        i += attr.length;
        while (/\s/.test(xml[i] ?? '')) i++;
        if (xml[i] !== '=') throw xmlError(`attribute ${attr} of <${name}> has no value`, xml, i, where);
        i++;
        while (/\s/.test(xml[i] ?? '')) i++;
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") throw xmlError(`attribute ${attr} of <${name}> is not quoted`, xml, i, where);
        const end = xml.indexOf(quote, i + 1);
        if (end === -1) throw xmlError(`unterminated value of attribute ${attr}`, xml, i, where);
        const raw = xml.slice(i + 1, end);
        if (raw.includes('<')) throw xmlError(`"<" inside the value of attribute ${attr}`, xml, i, where);
        attributes.set(attr, decodeXmlAttribute(raw, (what) => { throw xmlError(what, xml, i, where); }));
        i = end + 1;
      }
      tags.push({ name, attributes, line: lineAt(xml, start) });
    }
  }
  return tags;
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/** The `ovf:value` of the `<Property ovf:key="VERSION">` of an OVF descriptor; `where` names it in errors. */
export function ovfVersion(xml: string, where: string): string {
  const found: { value: string | undefined; line: number }[] = [];
  for (const tag of xmlStartTags(xml.replace(/^\uFEFF/, ''), where)) {
    if (localName(tag.name) !== 'Property') continue;
    const keyAttr = [...tag.attributes.keys()].find((a) => a.includes(':') && localName(a) === 'key');
    if (!keyAttr || tag.attributes.get(keyAttr) !== 'VERSION') continue;
    const prefix = keyAttr.slice(0, keyAttr.indexOf(':'));
    found.push({ value: tag.attributes.get(`${prefix}:value`), line: tag.line });
  }
  if (found.length === 0) {
    throw new KilnError('OVF_NO_VERSION', `${where} has no <Property ovf:key="VERSION">`, {
      hint: 'this OVA was not built with a VERSION property (image-builder sets it from OVF_CUSTOM_PROPERTIES); use --from-cluster or --from-vsphere instead',
    });
  }
  const values = [...new Set(found.map((f) => f.value))];
  if (values.length > 1) {
    throw new KilnError('OVF_VERSION_AMBIGUOUS', `${where} has ${found.length} different VERSION properties (lines ${found.map((f) => f.line).join(', ')})`, {
      hint: 'read the descriptor and set vsphere.version by hand',
    });
  }
  const value = values[0];
  if (!value) {
    throw new KilnError('OVF_VERSION_EMPTY', `${where}: the VERSION property (line ${found[0].line}) has no ovf:value`, {
      hint: 'this OVA carries no OS image version; use --from-cluster or --from-vsphere instead',
    });
  }
  return value;
}

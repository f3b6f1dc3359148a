// Finds the VERSION vApp property in OVF descriptor XML (<Property ovf:key="VERSION" ovf:value="..."/>), namespace-aware.
import { SaxesParser } from 'saxes';
import { KilnError } from '@kiln/errors';

/** The OVF envelope namespace: `ovf:` in image-builder's descriptors, but any prefix bound to it counts. */
export const OVF_NAMESPACE = 'http://schemas.dmtf.org/ovf/envelope/1';

interface VersionProperty {
  value: string | undefined;
  /** 1-based line of the element name. */
  line: number;
}

function xmlError(what: string, line: number, where: string): KilnError {
  return new KilnError('OVF_XML_INVALID', `${where} is not well-formed XML: ${what} (line ${line})`, {
    hint: 'the .ovf descriptor may be damaged; compare it with the .mf checksums or download the OVA again',
  });
}

/** Every OVF `Property` element whose OVF-namespace `key` is VERSION, with its OVF-namespace `value`. */
function versionProperties(xml: string, where: string): VersionProperty[] {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const found: VersionProperty[] = [];
  let nameLine = 1;
  parser.on('error', (e) => {
    throw xmlError(e.message.replace(/^\d+:\d+: /, '').replace(/\.$/, ''), parser.line, where);
  });
  parser.on('opentagstart', () => {
    nameLine = parser.line;
  });
  parser.on('opentag', (tag) => {
    if (tag.uri !== OVF_NAMESPACE || tag.local !== 'Property') return;
    const attribute = (local: string) => Object.values(tag.attributes).find((a) => a.uri === OVF_NAMESPACE && a.local === local)?.value;
    if (attribute('key') === 'VERSION') found.push({ value: attribute('value'), line: nameLine });
  });
  parser.write(xml.replace(/^\uFEFF/, '')).close();
  return found;
}

/** The `ovf:value` of the `<Property ovf:key="VERSION">` of an OVF descriptor; `where` names it in errors. */
export function ovfVersion(xml: string, where: string): string {
  const found = versionProperties(xml, where);
  if (found.length === 0) {
    throw new KilnError('OVF_NO_VERSION', `${where} has no <Property ovf:key="VERSION">`, {
      hint: 'this OVA was not built with a VERSION property (image-builder sets it from OVF_CUSTOM_PROPERTIES); use --from-cluster or --from-vsphere instead',
    });
  }
  const values = [...new Set(found.map((f) => f.value))];
  if (values.length > 1) {
    throw new KilnError(
      'OVF_VERSION_AMBIGUOUS',
      `${where} has ${found.length} different VERSION properties (lines ${found.map((f) => f.line).join(', ')})`,
      {
        hint: 'read the descriptor and set vsphere.version by hand',
      },
    );
  }
  const value = values[0];
  if (!value) {
    throw new KilnError('OVF_VERSION_EMPTY', `${where}: the VERSION property (line ${found[0].line}) has no ovf:value`, {
      hint: 'this OVA carries no OS image version; use --from-cluster or --from-vsphere instead',
    });
  }
  return value;
}

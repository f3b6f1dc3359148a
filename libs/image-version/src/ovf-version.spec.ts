import { describe, expect, it } from 'vitest';
import { kilnErrorOf } from '@kiln/testing';
import { ovfVersion } from './ovf-version';
import { ovfDescriptor } from '../test/tar-fixture';

const V = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const WHERE = 'a.ovf (in a.ova)';

const version = (properties: string) => ovfVersion(ovfDescriptor(properties), WHERE);

describe('ovfVersion', () => {
  it("reads the guide's form: key, type, userConfigurable, value", () => {
    expect(version(`      <Property ovf:key="VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="${V}"/>`)).toBe(V);
  });

  it('matches on ovf:key whatever the attribute order', () => {
    expect(version(`      <Property ovf:value="${V}" ovf:userConfigurable="false" ovf:type="string" ovf:key="VERSION"/>`)).toBe(V);
  });

  it('accepts single quotes', () => {
    expect(version(`      <Property ovf:key='VERSION' ovf:type='string' ovf:value='${V}'/>`)).toBe(V);
  });

  it('accepts line breaks and extra spaces inside the tag and around =', () => {
    expect(version(`      <Property\n        ovf:key = "VERSION"\n\t\tovf:type="string"\n        ovf:value=\n"${V}"\n      />`)).toBe(V);
  });

  it('accepts a Property with an end tag and child elements', () => {
    expect(
      version(`      <Property ovf:key="VERSION" ovf:type="string" ovf:value="${V}">\n        <Label>VERSION</Label>\n      </Property>`),
    ).toBe(V);
  });

  it('decodes entity and character references in the value', () => {
    expect(version(`      <Property ovf:key="VERSION" ovf:value="v1.26.5&#43;vmware.1-a&amp;b&#x2D;&lt;c&gt;&quot;d&apos;"/>`)).toBe(
      `v1.26.5+vmware.1-a&b-<c>"d'`,
    );
  });

  it('skips other properties, commented-out properties and CDATA', () => {
    const properties = [
      `      <Property ovf:key="BUILD_TIMESTAMP" ovf:type="string" ovf:userConfigurable="false" ovf:value="1689147482"/>`,
      `      <!-- <Property ovf:key="VERSION" ovf:value="commented-out"/> -->`,
      `      <Annotation><![CDATA[<Property ovf:key="VERSION" ovf:value="in-cdata"/>]]></Annotation>`,
      `      <Property ovf:key="VERSION_NOTE" ovf:value="not this one"/>`,
      `      <Property ovf:key="VERSION" ovf:type="string" ovf:userConfigurable="false" ovf:value="${V}"/>`,
    ].join('\n');
    expect(version(properties)).toBe(V);
  });

  it('accepts a namespace-prefixed element name', () => {
    expect(version(`      <ovf:Property ovf:key="VERSION" ovf:value="${V}"/>`)).toBe(V);
  });

  it('accepts any prefix bound to the OVF namespace, not only ovf:', () => {
    expect(version(`      <o:Property xmlns:o="http://schemas.dmtf.org/ovf/envelope/1" o:key="VERSION" o:value="${V}"/>`)).toBe(V);
  });

  it('ignores key and value attributes of another namespace', () => {
    const e = kilnErrorOf(() => version(`      <Property vmw:key="VERSION" vmw:value="${V}" key="VERSION" value="${V}"/>`));
    expect(e.code).toBe('OVF_NO_VERSION');
  });

  it('ignores an ovf: prefix bound to another namespace', () => {
    const e = kilnErrorOf(() => version(`      <Property xmlns:ovf="urn:not-ovf" ovf:key="VERSION" ovf:value="${V}"/>`));
    expect(e.code).toBe('OVF_NO_VERSION');
  });

  it('ignores a Property element of another namespace', () => {
    const e = kilnErrorOf(() => version(`      <vmw:Property ovf:key="VERSION" ovf:value="${V}"/>`));
    expect(e.code).toBe('OVF_NO_VERSION');
  });

  it('turns literal tabs and line breaks inside the value into spaces (XML attribute normalisation)', () => {
    expect(version(`      <Property ovf:key="VERSION" ovf:value="a\nb\tc"/>`)).toBe('a b c');
  });

  it('fails clearly when there is no VERSION property', () => {
    const e = kilnErrorOf(() => version(`      <Property ovf:key="BUILD_DATE" ovf:value="2023-07-12"/>`));
    expect([e.code, e.message]).toEqual(['OVF_NO_VERSION', 'a.ovf (in a.ova) has no <Property ovf:key="VERSION">']);
  });

  it('fails clearly when the VERSION property has no value', () => {
    const e = kilnErrorOf(() => version(`      <Property ovf:key="VERSION" ovf:type="string"/>`));
    expect([e.code, e.message]).toEqual(['OVF_VERSION_EMPTY', 'a.ovf (in a.ova): the VERSION property (line 15) has no ovf:value']);
  });

  it('refuses two different VERSION properties', () => {
    const e = kilnErrorOf(() =>
      version(`      <Property ovf:key="VERSION" ovf:value="a"/>\n      <Property ovf:key="VERSION" ovf:value="b"/>`),
    );
    expect([e.code, e.message]).toEqual(['OVF_VERSION_AMBIGUOUS', 'a.ovf (in a.ova) has 2 different VERSION properties (lines 15, 16)']);
  });

  it('reports an unknown entity with its line', () => {
    const e = kilnErrorOf(() => version(`      <Property ovf:key="VERSION" ovf:value="a&nbsp;b"/>`));
    expect([e.code, e.message]).toEqual(['OVF_XML_INVALID', 'a.ovf (in a.ova) is not well-formed XML: undefined entity (line 15)']);
  });

  it('reports a descriptor cut off inside a tag', () => {
    const e = kilnErrorOf(() =>
      ovfVersion(`<Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">\n<Property ovf:key="VERSION" ovf:value="x"`, WHERE),
    );
    expect([e.code, e.message]).toEqual(['OVF_XML_INVALID', 'a.ovf (in a.ova) is not well-formed XML: unclosed tag: Envelope (line 2)']);
  });

  it('reports a prefix bound to no namespace', () => {
    const e = kilnErrorOf(() => ovfVersion(`<Envelope>\n<Property ovf:key="VERSION" ovf:value="x"/>\n</Envelope>`, WHERE));
    expect([e.code, e.message]).toEqual([
      'OVF_XML_INVALID',
      'a.ovf (in a.ova) is not well-formed XML: unbound namespace prefix: "ovf" (line 2)',
    ]);
  });
});

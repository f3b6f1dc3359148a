import { describe, expect, it } from 'vitest';
import { isKilnError, type KilnError } from '@kiln/errors';
import { ovfVersion, xmlStartTags } from './ovf-version';
import { ovfDescriptor } from '../test/tar-fixture';

const V = 'v1.26.5+vmware.1-tkg.1-765d418b72c247c2310384e640ee075e';
const WHERE = 'a.ovf (in a.ova)';

function failure(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    if (isKilnError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const version = (properties: string) => ovfVersion(ovfDescriptor(properties), WHERE);

describe('ovfVersion', () => {
  it('reads the guide\'s form: key, type, userConfigurable, value', () => {
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
    expect(version(`      <Property ovf:key="VERSION" ovf:type="string" ovf:value="${V}">\n        <Label>VERSION</Label>\n      </Property>`)).toBe(V);
  });

  it('decodes entity and character references in the value', () => {
    expect(version(`      <Property ovf:key="VERSION" ovf:value="v1.26.5&#43;vmware.1-a&amp;b&#x2D;&lt;c&gt;&quot;d&apos;"/>`)).toBe(`v1.26.5+vmware.1-a&b-<c>"d'`);
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

  it('fails clearly when there is no VERSION property', () => {
    const e = failure(() => version(`      <Property ovf:key="BUILD_DATE" ovf:value="2023-07-12"/>`));
    expect([e.code, e.message]).toEqual(['OVF_NO_VERSION', 'a.ovf (in a.ova) has no <Property ovf:key="VERSION">']);
  });

  it('fails clearly when the VERSION property has no value', () => {
    const e = failure(() => version(`      <Property ovf:key="VERSION" ovf:type="string"/>`));
    expect([e.code, e.message]).toEqual(['OVF_VERSION_EMPTY', 'a.ovf (in a.ova): the VERSION property (line 15) has no ovf:value']);
  });

  it('refuses two different VERSION properties', () => {
    const e = failure(() => version(`      <Property ovf:key="VERSION" ovf:value="a"/>\n      <Property ovf:key="VERSION" ovf:value="b"/>`));
    expect([e.code, e.message]).toEqual(['OVF_VERSION_AMBIGUOUS', 'a.ovf (in a.ova) has 2 different VERSION properties (lines 15, 16)']);
  });

  it('reports an unknown entity with its line', () => {
    const e = failure(() => version(`      <Property ovf:key="VERSION" ovf:value="a&nbsp;b"/>`));
    expect([e.code, e.message]).toEqual(['OVF_XML_INVALID', 'a.ovf (in a.ova) is not well-formed XML: unknown entity &nbsp; in "a&nbsp;b" (line 15)']);
  });

  it('reports an unterminated tag', () => {
    const e = failure(() => ovfVersion('<Envelope>\n<Property ovf:key="VERSION" ovf:value="x"', WHERE));
    expect(e.message).toBe('a.ovf (in a.ova) is not well-formed XML: unterminated <Property> tag (line 2)');
  });
});

describe('xmlStartTags', () => {
  it('turns literal tabs and line breaks inside attribute values into spaces', () => {
    expect(xmlStartTags('<a x="1\n2\t3"/>')[0].attributes.get('x')).toBe('1 2 3');
  });
});

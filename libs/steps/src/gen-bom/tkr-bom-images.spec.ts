import { describe, expect, it } from 'vitest';
import { bomImages, compareImages, osImageImage } from './tkr-bom-images';

const BOM = `release: { version: v1.26.5+vmware.2-tkg.1-myorg }
ova:
  - { name: a, osinfo: { name: ubuntu, version: "20.04", arch: amd64 }, version: v1.26.5+vmware.1-tkg.1-abc }
ami:
  us-west-2: [{ id: ami-2, osinfo: { name: ubuntu, version: "20.04", arch: amd64 } }]
  us-east-1: [{ id: ami-1, osinfo: { name: ubuntu, version: "20.04", arch: amd64 } }]
azure:
  - { resourceGroup: rg, name: img, subscriptionID: s, gallery: g, version: 2023.7.1, osinfo: { name: ubuntu, version: "20.04", arch: amd64 } }
  - { sku: k8s-1dot26dot5-ubuntu-2004, publisher: vmware-inc, offer: tkg-capi-2022-06-24, version: 2023.06.29, thirdPartyImage: true, osinfo: { name: ubuntu, version: "20.04", arch: amd64 } }
`;

describe('the images of a BoM and of OSImages', () => {
  it('lists the OVA VERSIONs, AMI ids per region and Azure versions, sorted', () => {
    expect(bomImages(BOM)).toEqual([
      'ami us-east-1 ami-1',
      'ami us-west-2 ami-2',
      'azure g/img 2023.7.1',
      'azure vmware-inc/tkg-capi-2022-06-24/k8s-1dot26dot5-ubuntu-2004 2023.06.29',
      'ova v1.26.5+vmware.1-tkg.1-abc',
    ]);
  });

  it('describes an OSImage the same way', () => {
    expect(osImageImage({ spec: { image: { type: 'ova', ref: { name: 'ova-ubuntu', version: 'v1' } } } })).toBe('ova v1');
    expect(osImageImage({ spec: { image: { type: 'ami', ref: { id: 'ami-1', region: 'us-east-1' } } } })).toBe('ami us-east-1 ami-1');
    expect(osImageImage({ spec: { image: { type: 'azure', ref: { gallery: 'g', name: 'img', version: '2023.7.1' } } } })).toBe(
      'azure g/img 2023.7.1',
    );
  });

  it('names what is missing and what is extra', () => {
    expect(compareImages(['ova new', 'ami r a'], ['ami r a', 'ova old'])).toEqual({ missing: ['ova new'], unexpected: ['ova old'] });
  });
});

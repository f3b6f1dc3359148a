// SECRET_ENV: which credential variables build and upload redact.
import { describe, expect, it } from 'vitest';
import { AZURE_CREDENTIAL_ENV, SECRET_ENV, VSPHERE_CREDENTIAL_ENV } from './credential-env';

describe('SECRET_ENV', () => {
  it("lists the vSphere user and password, the AWS keys, the Azure service principal and govc's password", () => {
    expect(SECRET_ENV).toEqual([
      'VSPHERE_USERNAME',
      'VSPHERE_PASSWORD',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'GOVC_PASSWORD',
    ]);
  });

  it('leaves out the vCenter address and the Azure subscription id (image.yaml states them)', () => {
    expect([...VSPHERE_CREDENTIAL_ENV, ...AZURE_CREDENTIAL_ENV].filter((n) => !SECRET_ENV.includes(n))).toEqual([
      'VSPHERE_SERVER',
      'AZURE_SUBSCRIPTION_ID',
    ]);
  });
});

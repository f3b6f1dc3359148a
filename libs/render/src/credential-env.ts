// Names of the environment variables credentials are read from, per infra, and which of them hold secrets
// (names only, never values): the one list the build plan, build, upload and doctor share.

export const VSPHERE_CREDENTIAL_ENV = ['VSPHERE_SERVER', 'VSPHERE_USERNAME', 'VSPHERE_PASSWORD'] as const;
/** Alternative to the three variables above: path of a vsphere.json kept outside the repository. */
export const VSPHERE_CREDENTIALS_FILE_ENV = 'KILN_VSPHERE_CREDENTIALS_FILE';
/** The service principal image-builder's init-sig.sh logs in with. */
export const AZURE_CREDENTIAL_ENV = ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const;
const AWS_CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/**
 * The variables whose values build and upload redact from every line they print or log: the credential variables
 * except the vCenter address and the Azure subscription id (image.yaml states both), and govc's password.
 */
export const SECRET_ENV: readonly string[] = [
  ...VSPHERE_CREDENTIAL_ENV.filter((n) => n !== 'VSPHERE_SERVER'),
  ...AWS_CREDENTIAL_ENV,
  ...AZURE_CREDENTIAL_ENV.filter((n) => n !== 'AZURE_SUBSCRIPTION_ID'),
  'GOVC_PASSWORD',
];

// Names of the environment variables credentials are read from, per infra (names only, never values).

export const VSPHERE_CREDENTIAL_ENV = ['VSPHERE_SERVER', 'VSPHERE_USERNAME', 'VSPHERE_PASSWORD'] as const;
/** Alternative to the three variables above: path of a vsphere.json kept outside the repository. */
export const VSPHERE_CREDENTIALS_FILE_ENV = 'KILN_VSPHERE_CREDENTIALS_FILE';
export const AZURE_CREDENTIAL_ENV = ['AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const;
export const AWS_CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

// How to install each external tool Kiln drives, for "X not found on PATH" errors.

const HINTS: Record<string, string> = {
  docker: 'install Docker (Debian: apt-get install -y docker.io) and start the daemon (systemctl start docker, or dockerd &)',
  govc: 'install govc from the vmware/govmomi releases and put it on PATH (set GOVC_URL, GOVC_USERNAME, GOVC_PASSWORD)',
  kubectl: 'install kubectl (https://kubernetes.io/docs/tasks/tools/) and put it on PATH',
  aws: 'install the AWS CLI (Debian: apt-get install -y awscli, or pip install awscli) and run aws configure',
  az: 'install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli) and run az login',
  tanzu: 'install the Tanzu CLI and put it on PATH',
  packer: 'install packer (Debian: apt-get install -y packer)',
};

export function installHint(tool: string): string {
  const name = tool.split('/').pop() ?? tool;
  return HINTS[name] ?? `install ${name} and put it on PATH`;
}

#!/bin/sh
# Test stand-in for projects.registry.vmware.com/tkg/image-builder (entrypoint `make`, argument = make target).
# It builds nothing. It CHECKS that the container was started the way the real image-builder needs,
# then prints packer/ansible-like progress and writes artifacts in the real formats:
#   - the make target is one the real image knows;
#   - PACKER_VAR_FILES is set, lists tkg.json, and every file it lists exists (relative to /home/imagebuilder)
#     and looks like JSON;
#   - /home/imagebuilder/tkg.json no longer contains the literal <IP>:<PORT>, and its
#     kubernetes_http_source and kubernetes_cni_http_source URLs answer (the resource bundle is reachable
#     from the container);
#   - /home/imagebuilder/tkg is a directory, /home/imagebuilder/goss/goss.yaml exists, and every
#     custom_role_names path in the var files is a directory;
#   - Kiln's contract with its kiln-package-list role: custom_role_names (as the var files set it) lists
#     /home/imagebuilder/kiln-package-list last, and that is a folder its user can read with tasks/main.yml;
#   - it runs as the image's user (imagebuilder, uid 1000) and everything it reads is readable by that user;
#   - vSphere (build-node-ova-*): vsphere.json exists, is in PACKER_VAR_FILES and has vcenter_server,
#     username, password, datacenter and cluster (this image-builder version ignores resource_pool:
#     "'host' or 'cluster' is required"); OVF_CUSTOM_PROPERTIES=/home/imagebuilder/metadata.json and that
#     file has a VERSION; IB_OVFTOOL=1; /home/imagebuilder/output is writable by the builder's user;
#     the build VM (named build_version) must not exist in the folder yet unless PACKER_FLAGS has -force
#     (the VM inventory is kept by the resource-bundle stand-in's /cgi-bin/vcenter, test-only);
#   - RHEL (*-rhel-*): RHSM_USER and RHSM_PASS are set; the ISO iso_url names (default, as upstream
#     rhel-8.json: file:///rhel-8.4-x86_64-dvd.iso) is mounted, and a non-default iso_url has an iso_checksum;
#   - AWS (build-ami-*): /home/imagebuilder/.aws holds a config or credentials file readable by the
#     builder's user, and manifest_output is set to a path it can write;
#   - Azure (build-azure-sig-*): AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_SUBSCRIPTION_ID and
#     AZURE_TENANT_ID are set; like init-sig.sh it "logs in" by writing the service principal into its
#     config folder ($AZURE_CONFIG_DIR or $HOME/.azure; fails when it cannot), creates the gallery image
#     definition capi-<os>, and packer's image_name must name that definition; subscription_id must be
#     AZURE_SUBSCRIPTION_ID.
# Like real packer it echoes secrets (vSphere password, RHSM_PASS) in DEBUG lines, so redaction can be tested.
# KILN_STANDIN_SLEEP=<seconds> pauses during provisioning; KILN_STANDIN_FAIL=<text> fails there (exit 2) like an
# Ansible task: `fatal: [default]: FAILED! => {... "msg": "<text>"}` under the task's `TASK [...]` header, then the
# PLAY RECAP and packer's error block. KILN_STANDIN_FAIL_GOSS=<package names> fails goss instead: its JSON report
# (image-builder's `-f json -o pretty`) has a failed `Package: <name>: installed` check per name.
# KILN_STANDIN_STOP_DELAY=<seconds>: on SIGTERM/SIGINT, "clean up" that long before exiting (like packer
# destroying the build VM). Production never passes these in the container environment, so the packer
# variables kiln_standin_sleep, kiln_standin_fail, kiln_standin_fail_goss and kiln_standin_stop_delay (e.g.
# image.yaml packerVars, which land in customizations.json) do the same; env wins.
# Artifacts (inside the container; Kiln copies them out): vSphere →
# output/<build_version>/<build_version>.ova (+ .ova.sha256);
# AWS → packer manifest at manifest_output; Azure → stdout only. Ids are derived from sha256 checksums.
# On every infra, the kiln-package-list role's file at kiln_package_list_dest (ansible_user_vars, else the role's
# defaults/main.yml), written as the builder's user: the role's header line, then dpkg rows for Ubuntu targets and
# rpm rows for Photon, RHEL and Amazon Linux (a fixed base set plus every package of extra_debs / extra_rpms).

HOME_DIR=/home/imagebuilder
TARGET="$1"
PACKAGE_LIST_ROLE=$HOME_DIR/kiln-package-list

fail() {
  echo "ERROR: $*" >&2
  exit 2
}

# json_get FILE KEY: the string value of "KEY" in FILE (last occurrence), with \" and \\ unescaped.
json_get() {
  grep -oE '"'"$2"'"[[:space:]]*:[[:space:]]*"([^"\\]|\\.)*"' "$1" 2>/dev/null | tail -n 1 |
    sed -E 's/^"[^"]*"[[:space:]]*:[[:space:]]*"//; s/"$//; s/\\"/"/g; s/\\\\/\\/g'
}

# json_has FILE KEY: true when FILE has a "KEY": member.
json_has() {
  grep -qE '"'"$2"'"[[:space:]]*:' "$1" 2>/dev/null
}

# var_path NAME: where packer finds a var file named in PACKER_VAR_FILES.
var_path() {
  case "$1" in
    /*) echo "$1" ;;
    *) echo "$HOME_DIR/$1" ;;
  esac
}

# var_get KEY: the packer variable as the var files set it (later files win); empty when unset.
var_get() {
  _value=""
  for _f in $PACKER_VAR_FILES; do
    _p=$(var_path "$_f")
    if json_has "$_p" "$1"; then _value=$(json_get "$_p" "$1"); fi
  done
  printf '%s' "$_value"
}

# listed NAME: true when PACKER_VAR_FILES names the file.
listed() {
  for _f in $PACKER_VAR_FILES; do
    [ "$_f" = "$1" ] || [ "$_f" = "$HOME_DIR/$1" ] && return 0
  done
  return 1
}

# checksum TEXT: sha256 hex of TEXT.
checksum() {
  printf '%s' "$1" | sha256sum | cut -d' ' -f1
}

# require_file PATH MESSAGE: fail with MESSAGE unless PATH is a file. A directory there usually means the
# host path of a -v mount did not exist (docker then creates an empty directory and mounts that).
require_file() {
  [ -d "$1" ] && fail "$1 is a directory, not a file (was the host path of its -v mount missing?)"
  [ -f "$1" ] || fail "$2"
}

require_env() {
  for _name in "$@"; do
    eval "_v=\${$_name:-}"
    [ -n "$_v" ] || fail "$_name is not set in the container environment (${TARGET} needs $*)"
  done
}

# require_writable_dir DIR WHY: fails unless DIR exists and the builder's user can write there (packer's
# manifest post-processor and the OVA export do not create the output folder).
require_writable_dir() {
  [ -d "$1" ] || fail "$1 does not exist ($2)"
  _probe="$1/.kiln-standin-write-probe"
  (: > "$_probe") 2>/dev/null || fail "$1 is not writable by uid $(id -u) ($2)"
  rm -f "$_probe"
}

# require_readable FILE: the builder's user must be able to read FILE (packer/ansible do not run as root).
require_readable() {
  [ -r "$1" ] || fail "$1 is not readable by uid $(id -u) (owner $(stat -c %u:%g "$1" 2>/dev/null), mode $(stat -c %a "$1" 2>/dev/null))"
}

# say TEXT: a provisioner output line as packer prints it (`    <builder>: TEXT`).
say() {
  if [ -z "$*" ]; then printf '    %s:\n' "$BUILDER"; else printf '    %s: %s\n' "$BUILDER" "$*"; fi
}

# json_escape TEXT: TEXT as the inside of a JSON string (backslashes and double quotes escaped).
json_escape() {
  printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'
}

# packer_failed ERROR: packer's closing lines for a build that failed with ERROR.
packer_failed() {
  echo "==> $BUILDER: Provisioning step had errors: Running the cleanup provisioner, if present..."
  echo "Build '$BUILDER' errored after 1 second: $1"
  echo
  echo "==> Some builds didn't complete successfully and had errors:"
  echo "--> $BUILDER: $1"
  echo
  echo "==> Builds finished but no artifacts were created."
}

# ansible_failed MSG: the running task fails like Ansible prints it, then the PLAY RECAP and packer's error block.
ansible_failed() {
  say "fatal: [default]: FAILED! => {\"changed\": false, \"msg\": \"$(json_escape "$1")\"}"
  say ""
  say "PLAY RECAP *********************************************************************"
  say "default                    : ok=12   changed=8    unreachable=0    failed=1    skipped=3    rescued=0    ignored=0"
  say ""
  packer_failed "Error executing Ansible: Non-zero exit status: exit status 2"
}

# goss_check PACKAGE OK: one Package installed check of goss's pretty JSON report (an object, no trailing comma).
goss_check() {
  if [ "$2" = ok ]; then
    _human='' _found=true _result=0 _ok=true
    _summary="Package: $1: installed: matches expectation: [true]"
  else
    _human='Expected\n    <bool>: false\nto equal\n    <bool>: true' _found=false _result=1 _ok=false
    _summary="Package: $1: installed: $_human"
  fi
  say '        {'
  say '            "err": null,'
  say '            "expected": ['
  say '                "true"'
  say '            ],'
  say '            "found": ['
  say "                \"$_found\""
  say '            ],'
  say "            \"human\": \"$_human\","
  say '            "meta": null,'
  say '            "property": "installed",'
  say "            \"resource-id\": \"$1\","
  say '            "resource-type": "Package",'
  say "            \"result\": $_result,"
  say '            "skipped": false,'
  say "            \"successful\": $_ok,"
  say "            \"summary-line\": \"$_summary\","
  say '            "test-type": 0,'
  say '            "title": ""'
}

# goss_failed PACKAGES: goss's report as image-builder runs it (`validate -f json -o pretty`) with one passing check
# and a failed `Package: <name>: installed` check per name, then packer's error block.
goss_failed() {
  _count=1 _failed=0
  say '{'
  say '    "results": ['
  goss_check openssh-server ok
  for _pkg in $1; do
    say '        },'
    goss_check "$_pkg" failed
    _count=$((_count + 1)) _failed=$((_failed + 1))
  done
  say '        }'
  say '    ],'
  say '    "summary": {'
  say "        \"failed-count\": $_failed,"
  say "        \"summary-line\": \"Count: $_count, Failed: $_failed, Duration: 0.412s\","
  say "        \"test-count\": $_count,"
  say '        "total-duration": 412000000'
  say '    }'
  say '}'
  echo "==> $BUILDER: Goss validate failed"
  packer_failed "goss validate failed"
}

# package_list_dest: kiln_package_list_dest as Ansible sees it: from ansible_user_vars (extra vars), else the
# role's defaults/main.yml.
package_list_dest() {
  _dest=""
  for _v in $(var_get ansible_user_vars); do
    case "$_v" in kiln_package_list_dest=*) _dest=${_v#kiln_package_list_dest=} ;; esac
  done
  [ -n "$_dest" ] || _dest=$(sed -n 's/^kiln_package_list_dest:[[:space:]]*//p' "$PACKAGE_LIST_ROLE/defaults/main.yml" 2>/dev/null | tail -n 1)
  printf '%s' "$_dest"
}

# row FIELD...: one tab-separated row of the package list.
row() {
  _ifs=$IFS
  IFS=$(printf '\t')
  printf '%s\n' "$*"
  IFS=$_ifs
}

# package_rows: the guest's packages in the role's row format: a fixed base set (an epoch, an arch-independent
# package, a dpkg config-files leftover and rpm's signing key among them), then every extra_debs / extra_rpms package.
package_rows() {
  if [ "$PKG_FORMAT" = dpkg ]; then
    BASE="base-files bash bsdutils coreutils libc6 libstdc++6 linux-image-5.4.0-148-generic open-vm-tools openssh-server systemd tzdata"
    row base-files "11ubuntu5.7" amd64 installed
    row bash "5.0-6ubuntu1.2" amd64 installed
    row bsdutils "1:2.34-0.1ubuntu9.4" amd64 installed
    row coreutils "8.30-3ubuntu2" amd64 installed
    row libc6 "2.31-0ubuntu9.12" amd64 installed
    row libstdc++6 "10.5.0-1ubuntu1~20.04" amd64 installed
    row linux-image-5.4.0-148-generic "5.4.0-148.165" amd64 config-files
    row open-vm-tools "2:11.3.0-2ubuntu0~ubuntu20.04.4" amd64 installed
    row openssh-server "1:8.2p1-4ubuntu0.9" amd64 installed
    row systemd "245.4-4ubuntu3.22" amd64 installed
    row tzdata "2023c-0ubuntu0.20.04.2" all installed
    EXTRA=$(var_get extra_debs)
  else
    BASE="bash glibc gpg-pubkey openssh-server shadow-utils systemd tzdata"
    row bash "0:4.4.20-4.$DIST" x86_64
    row glibc "0:2.28-225.$DIST" x86_64
    row openssh-server "0:8.0p1-17.$DIST" x86_64
    row shadow-utils "2:4.6-17.$DIST" x86_64
    row systemd "0:239-74.$DIST" x86_64
    row tzdata "0:2023c-1.$DIST" noarch
    [ "$OS_ID" = rhel ] && row gpg-pubkey "0:fd431d51-4ae0493b" "(none)"
    EXTRA=$(var_get extra_rpms)
  fi
  for _pkg in $(printf '%s\n' $EXTRA | sort -u); do
    case " $BASE " in *" $_pkg "*) continue ;; esac
    if [ "$PKG_FORMAT" = dpkg ]; then row "$_pkg" "1.0-0kiln1" amd64 installed; else row "$_pkg" "0:1.0-1.$DIST" x86_64; fi
  done
}

# write_package_list: what Kiln's kiln-package-list role does (list the packages, fetch the file to the controller).
write_package_list() {
  say ""
  say "TASK [$PACKAGE_LIST_ROLE : List the installed packages ($PKG_FORMAT)] ***"
  say "ok: [default]"
  say ""
  say "TASK [$PACKAGE_LIST_ROLE : Fetch the package list into the build's output folder] ***"
  DEST=$(package_list_dest)
  [ -n "$DEST" ] || fail "kiln_package_list_dest is set neither in ansible_user_vars nor in $PACKAGE_LIST_ROLE/defaults/main.yml"
  # ansible.builtin.fetch creates the destination's folder on the controller.
  if ! { mkdir -p "$(dirname "$DEST")" && {
    printf '# kiln-package-list v1 format=%s os-id=%s os-version-id=%s\n' "$PKG_FORMAT" "$OS_ID" "$OS_VERSION_ID"
    package_rows
  } > "$DEST"; } 2>/dev/null; then
    fail "fetch: cannot write $DEST (kiln_package_list_dest) as uid $(id -u)"
  fi
  say "changed: [default]"
}

# vcenter OP VM: the test vCenter inventory kept by the resource-bundle stand-in (see the header).
vcenter() {
  timeout 15 wget -q -O - "$VCENTER_URL?op=$1&vm=$2" 2>/dev/null || fail "the stand-in vCenter inventory at $VCENTER_URL does not answer"
}

# ---- checks ------------------------------------------------------------------------------------
case "$TARGET" in
  build-node-ova-vsphere-ubuntu-2004 | build-node-ova-vsphere-photon-3 | build-node-ova-vsphere-rhel-8) INFRA=vsphere ;;
  build-ami-ubuntu-2004 | build-ami-ubuntu-1804 | build-ami-amazon-2) INFRA=aws ;;
  build-azure-sig-ubuntu-2004 | build-azure-sig-ubuntu-1804) INFRA=azure ;;
  "") fail "no make target given (the image's entrypoint is make; pass the target as the argument)" ;;
  *) fail "make: *** No rule to make target '$TARGET'.  Stop." ;;
esac
BUILD_NAME=${TARGET#build-node-ova-vsphere-}
BUILD_NAME=${BUILD_NAME#build-ami-}
BUILD_NAME=${BUILD_NAME#build-azure-sig-}

[ -n "${PACKER_VAR_FILES:-}" ] || fail "PACKER_VAR_FILES is not set (expected e.g. \"tkg.json vsphere.json customizations.json\")"
for f in $PACKER_VAR_FILES; do
  p=$(var_path "$f")
  require_file "$p" "PACKER_VAR_FILES lists $f but $p does not exist"
  require_readable "$p"
  text=$(tr -d ' \t\r\n' < "$p")
  case "$text" in
    \{*\}) ;;
    *) fail "$p is not a JSON object" ;;
  esac
done
require_file "$HOME_DIR/tkg.json" "$HOME_DIR/tkg.json does not exist (mount the config bundle's tkg.json there)"
listed tkg.json || fail "PACKER_VAR_FILES does not list tkg.json: \"$PACKER_VAR_FILES\""
if grep -q '<IP>:<PORT>' "$HOME_DIR/tkg.json"; then
  fail "$HOME_DIR/tkg.json still contains the placeholder <IP>:<PORT> (fill in the resource bundle address)"
fi
[ -d "$HOME_DIR/tkg" ] || fail "$HOME_DIR/tkg is not a directory (mount the config bundle's tkg/ role there)"
require_file "$HOME_DIR/goss/goss.yaml" "$HOME_DIR/goss/goss.yaml does not exist (mount the goss spec there)"
for f in $PACKER_VAR_FILES; do
  p=$(var_path "$f")
  json_has "$p" custom_role_names || continue
  for role in $(json_get "$p" custom_role_names); do
    [ -d "$role" ] || fail "custom_role_names in $f names $role, which is not a directory in the container"
  done
done
ROLES=$(var_get custom_role_names)
[ "${ROLES##* }" = "$PACKAGE_LIST_ROLE" ] ||
  fail "custom_role_names must list $PACKAGE_LIST_ROLE last (Kiln's kiln-package-list role writes the package list for sbom.cdx.json), got \"$ROLES\""
{ [ -d "$PACKAGE_LIST_ROLE" ] && [ -r "$PACKAGE_LIST_ROLE" ] && [ -x "$PACKAGE_LIST_ROLE" ] && [ -r "$PACKAGE_LIST_ROLE/tasks/main.yml" ]; } ||
  fail "the role '$PACKAGE_LIST_ROLE' was not found: it must be a folder uid $(id -u) can read, with tasks/main.yml (was the host path of its -v mount missing?)"

case "$INFRA" in
  vsphere)
    require_file "$HOME_DIR/vsphere.json" "$HOME_DIR/vsphere.json does not exist (mount the vSphere credentials file there)"
    listed vsphere.json || fail "PACKER_VAR_FILES does not list vsphere.json: \"$PACKER_VAR_FILES\""
    for key in vcenter_server username password datacenter; do
      json_has "$HOME_DIR/vsphere.json" "$key" || fail "$HOME_DIR/vsphere.json has no \"$key\""
    done
    [ -n "$(json_get "$HOME_DIR/vsphere.json" cluster)" ] || fail "vsphere-iso: 'host' or 'cluster' is required (vsphere.json cluster is empty or missing)"
    [ "${OVF_CUSTOM_PROPERTIES:-}" = "$HOME_DIR/metadata.json" ] ||
      fail "OVF_CUSTOM_PROPERTIES must be $HOME_DIR/metadata.json, got \"${OVF_CUSTOM_PROPERTIES:-}\""
    require_file "$HOME_DIR/metadata.json" "$HOME_DIR/metadata.json does not exist (OVF_CUSTOM_PROPERTIES names it)"
    VERSION=$(json_get "$HOME_DIR/metadata.json" VERSION)
    [ -n "$VERSION" ] || fail "$HOME_DIR/metadata.json has no VERSION"
    [ "${IB_OVFTOOL:-}" = "1" ] || fail "IB_OVFTOOL must be 1, got \"${IB_OVFTOOL:-}\""
    require_writable_dir "$HOME_DIR/output" "packer writes the OVA there"
    ;;
  aws)
    [ -d "$HOME_DIR/.aws" ] || fail "$HOME_DIR/.aws is not a directory (the AWS config must be there)"
    [ -f "$HOME_DIR/.aws/config" ] || [ -f "$HOME_DIR/.aws/credentials" ] || fail "$HOME_DIR/.aws has neither config nor credentials"
    for f in "$HOME_DIR/.aws/config" "$HOME_DIR/.aws/credentials"; do [ -f "$f" ] && require_readable "$f"; done
    MANIFEST=$(var_get manifest_output)
    [ -n "$MANIFEST" ] || fail "manifest_output is not set in the var files (the AMI ids would only be in the log)"
    require_writable_dir "$(dirname "$MANIFEST")" "manifest_output is $MANIFEST"
    ;;
  azure)
    require_env AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_SUBSCRIPTION_ID AZURE_TENANT_ID
    # init-sig.sh: az login --service-principal (output to /dev/null) stores the login in the config folder.
    AZ_CONFIG=${AZURE_CONFIG_DIR:-$HOME/.azure}
    if ! { mkdir -p "$AZ_CONFIG" && printf '[{"client_id": "%s", "tenant": "%s", "client_secret": "%s"}]\n' \
      "$AZURE_CLIENT_ID" "$AZURE_TENANT_ID" "$AZURE_CLIENT_SECRET" > "$AZ_CONFIG/service_principal_entries.json" &&
      printf '{"subscriptions": [{"id": "%s", "isDefault": true, "tenantId": "%s"}]}\n' \
      "$AZURE_SUBSCRIPTION_ID" "$AZURE_TENANT_ID" > "$AZ_CONFIG/azureProfile.json"; } 2>/dev/null; then
      fail "az login: cannot write the Azure CLI config folder $AZ_CONFIG as uid $(id -u) (every later az call of init-sig.sh fails)"
    fi
    SIG_DEFINITION="capi-$BUILD_NAME"
    [ "$(var_get image_name)" = "$SIG_DEFINITION" ] ||
      fail "Build 'azure-arm' errored: the Shared Gallery Image '$(var_get image_name)' to which to publish does not exist (init-sig.sh created $SIG_DEFINITION)"
    [ "$(var_get subscription_id)" = "$AZURE_SUBSCRIPTION_ID" ] ||
      fail "subscription_id $(var_get subscription_id) is not AZURE_SUBSCRIPTION_ID $AZURE_SUBSCRIPTION_ID (init-sig.sh prepared the gallery in the other one)"
    ;;
esac
case "$TARGET" in
  *-rhel-*)
    require_env RHSM_USER RHSM_PASS
    ISO_URL=$(var_get iso_url)
    [ -n "$ISO_URL" ] || ISO_URL=file:///rhel-8.4-x86_64-dvd.iso
    if [ "$ISO_URL" != file:///rhel-8.4-x86_64-dvd.iso ] && [ -z "$(var_get iso_checksum)" ]; then
      fail "iso_url is $ISO_URL but iso_checksum is not set (the upstream checksum is for rhel-8.4-x86_64-dvd.iso)"
    fi
    ISO=${ISO_URL#file://}
    [ -f "$ISO" ] || fail "Build 'vsphere-iso' errored: ISO $ISO_URL not found (is the ISO mounted there?)"
    require_readable "$ISO"
    ;;
esac

for key in kubernetes_http_source kubernetes_cni_http_source; do
  url=$(var_get "$key")
  [ -n "$url" ] || fail "$key is not set in the var files"
  case "$url" in
    http://*) ;;
    *) fail "$key is not an http:// URL: $url" ;;
  esac
  # (busybox 1.35 static wget crashes with -T, so the timeout applet bounds the probe)
  timeout 15 wget -q -O /dev/null "$url" 2>/dev/null || fail "$key $url does not answer from inside the container (is the resource bundle running and reachable?)"
done

# ---- build ---------------------------------------------------------------------------------------
SEMVER=$(var_get kubernetes_semver)
[ -n "$SEMVER" ] || fail "kubernetes_semver is not set in the var files"
BUILD_VERSION=$(var_get build_version)
if [ -n "$BUILD_VERSION" ]; then
  BUILD_VERSION=$(printf '%s' "$BUILD_VERSION" | sed 's/{{user `build_name`}}/'"$BUILD_NAME"'/g')
else
  BUILD_VERSION="$BUILD_NAME-kube-$(printf '%s' "$SEMVER" | tr '+' '_')"
fi

case "$INFRA" in
  vsphere) BUILDER=vsphere-iso; TEMPLATE=packer/ova/packer-node.json ;;
  aws) BUILDER=amazon-ebs; TEMPLATE=packer/ami/packer.json ;;
  azure) BUILDER=azure-arm; TEMPLATE=packer/azure/packer.json ;;
esac
# The guest's package manager and /etc/os-release ID and VERSION_ID (the kiln-package-list role's header).
case "$BUILD_NAME" in
  ubuntu-2004) PKG_FORMAT=dpkg OS_ID=ubuntu OS_VERSION_ID=20.04 ;;
  ubuntu-1804) PKG_FORMAT=dpkg OS_ID=ubuntu OS_VERSION_ID=18.04 ;;
  photon-3) PKG_FORMAT=rpm OS_ID=photon OS_VERSION_ID=3.0 DIST=ph3 ;;
  rhel-8) PKG_FORMAT=rpm OS_ID=rhel OS_VERSION_ID=8.4 DIST=el8_4 ;;
  amazon-2) PKG_FORMAT=rpm OS_ID=amzn OS_VERSION_ID=2 DIST=amzn2 ;;
esac

STANDIN_SLEEP=${KILN_STANDIN_SLEEP:-$(var_get kiln_standin_sleep)}
STANDIN_FAIL=${KILN_STANDIN_FAIL:-$(var_get kiln_standin_fail)}
STANDIN_FAIL_GOSS=${KILN_STANDIN_FAIL_GOSS:-$(var_get kiln_standin_fail_goss)}
STANDIN_STOP_DELAY=${KILN_STANDIN_STOP_DELAY:-$(var_get kiln_standin_stop_delay)}

cancelled() {
  trap '' TERM INT
  echo "==> $BUILDER: Build was cancelled. Cleaning up..."
  [ -n "$STANDIN_STOP_DELAY" ] && sleep "$STANDIN_STOP_DELAY"
  exit 143
}
trap cancelled TERM INT

var_args=""
for f in $PACKER_VAR_FILES; do var_args="$var_args -var-file=\"$f\""; done
echo "packer build ${PACKER_FLAGS:+$PACKER_FLAGS }$var_args $TEMPLATE"
echo "$BUILDER: output will be in this color."
echo "==> $BUILDER: Creating build VM for $BUILD_VERSION..."
if [ "$INFRA" = vsphere ]; then
  VCENTER_URL="$(var_get kubernetes_http_source | sed -E 's#^(http://[^/]+).*#\1#')/cgi-bin/vcenter"
  VM="$(json_get "$HOME_DIR/vsphere.json" folder)/$BUILD_VERSION"
  EXISTS=$(vcenter exists "$VM") || exit 2
  if [ "$EXISTS" = yes ]; then
    case " ${PACKER_FLAGS:-} " in
      *" -force "*) echo "==> $BUILDER: the VM $VM already exists, destroying it (-force)"; vcenter destroy "$VM" > /dev/null ;;
      *) fail "Build '$BUILDER' errored: error creating vm: the virtual machine $VM already exists (a leftover build VM; packer -force replaces it)" ;;
    esac
  fi
  echo "==> $BUILDER: Connecting to vCenter $(json_get "$HOME_DIR/vsphere.json" vcenter_server) as $(json_get "$HOME_DIR/vsphere.json" username)"
  echo "DEBUG: vsphere password: $(json_get "$HOME_DIR/vsphere.json" password)"
fi
if [ -n "${ISO:-}" ]; then
  echo "==> $BUILDER: Registering with Red Hat Subscription Manager as $RHSM_USER"
  echo "DEBUG: rhsm password: $RHSM_PASS"
fi
echo "==> $BUILDER: Waiting for SSH to become available..."
echo "==> $BUILDER: Connected to SSH!"
echo "==> $BUILDER: Provisioning with Ansible..."
say "PLAY [all] *********************************************************************"
say ""
say "TASK [tkg : Install containerd $(var_get containerd_version)] ***"
if [ -n "$STANDIN_SLEEP" ]; then
  sleep "$STANDIN_SLEEP" &
  wait $!
fi
if [ -n "$STANDIN_FAIL" ]; then
  ansible_failed "$STANDIN_FAIL"
  echo "ERROR: ansible task failed: $STANDIN_FAIL" >&2
  exit 2
fi
say "changed: [default]"
write_package_list
say ""
say "PLAY RECAP *********************************************************************"
say "default                    : ok=14   changed=9    unreachable=0    failed=0    skipped=3    rescued=0    ignored=0"
echo "==> $BUILDER: Running goss tests..."
if [ -n "$STANDIN_FAIL_GOSS" ]; then
  goss_failed "$STANDIN_FAIL_GOSS"
  fail "Build '$BUILDER' errored: goss validate failed"
fi
say "Total Duration: 0.001s Count: 1, Failed: 0, Skipped: 0"


case "$INFRA" in
  vsphere)
    vcenter create "$VM" > /dev/null
    echo "==> $BUILDER: Exporting OVA..."
    OUT="$HOME_DIR/output/$BUILD_VERSION"
    mkdir -p "$OUT" || fail "cannot create $OUT"
    # A real OVA (OVF with References, DiskSection, NetworkSection, VirtualHardwareSection, ProductSection
    # and a streamOptimized VMDK) that govc/vcsim can import; see write-ova.sh.
    grep -oE '"[A-Za-z0-9_.-]+"[[:space:]]*:[[:space:]]*"([^"\\]|\\.)*"' "$HOME_DIR/metadata.json" | while read -r pair; do
      key=$(printf '%s' "$pair" | sed -E 's/^"([^"]*)".*/\1/')
      printf '%s=%s\n' "$key" "$(json_get "$HOME_DIR/metadata.json" "$key")"
    done | /usr/bin/write-ova "$OUT" "$BUILD_VERSION" || fail "cannot write $OUT/$BUILD_VERSION.ova"
    cd "$OUT" || exit 2
    sha256sum "$BUILD_VERSION.ova" > "$BUILD_VERSION.ova.sha256"
    echo "Build '$BUILDER' finished."
    echo
    echo "==> Builds finished. The artifacts of successful builds are:"
    echo "--> $BUILDER: $BUILD_VERSION"
    echo "--> $BUILDER: output/$BUILD_VERSION/$BUILD_VERSION.ova"
    ;;
  aws)
    AMI_NAME=$(var_get ami_name)
    [ -n "$AMI_NAME" ] || AMI_NAME="capa-ami-$BUILD_NAME-$SEMVER"
    REGION=$(var_get aws_region)
    [ -n "$REGION" ] || REGION=us-east-1
    REGIONS=$( (echo "$REGION"; var_get ami_regions | tr ',' '\n') | grep -v '^$' | sort -u)
    echo "==> $BUILDER: Creating AMI $AMI_NAME from instance..."
    artifact=""
    for r in $REGIONS; do
      artifact="$artifact${artifact:+,}$r:ami-$(checksum "$AMI_NAME:$r" | cut -c1-17)"
    done
    uuid=$(checksum "run:$AMI_NAME" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')
    cat > "$MANIFEST" <<EOF || fail "cannot write $MANIFEST"
{
  "builds": [
    {
      "name": "$BUILD_NAME",
      "builder_type": "$BUILDER",
      "build_time": $(date +%s),
      "files": null,
      "artifact_id": "$artifact",
      "packer_run_uuid": "$uuid",
      "custom_data": {
        "ami_name": "$AMI_NAME",
        "build_name": "$BUILD_NAME",
        "build_type": "node",
        "containerd_version": "$(var_get containerd_version)",
        "kubernetes_version": "$SEMVER"
      }
    }
  ],
  "last_run_uuid": "$uuid"
}
EOF
    echo "Build '$BUILDER' finished."
    echo
    echo "==> Builds finished. The artifacts of successful builds are:"
    echo "--> $BUILDER: AMIs were created:"
    for r in $REGIONS; do echo "$r: ami-$(checksum "$AMI_NAME:$r" | cut -c1-17)"; done
    ;;
  azure)
    IMAGE=$(var_get image_name)
    [ -n "$IMAGE" ] || IMAGE="capi-$BUILD_NAME"
    SUB=$(var_get subscription_id)
    [ -n "$SUB" ] || SUB=$AZURE_SUBSCRIPTION_ID
    RG=$(var_get resource_group_name)
    [ -n "$RG" ] || RG=${RESOURCE_GROUP_NAME:-cluster-api-images}
    GALLERY=$(var_get shared_image_gallery_name)
    [ -n "$GALLERY" ] || GALLERY=${GALLERY_NAME:-ClusterAPI}
    LOCATION=$(var_get azure_location)
    [ -n "$LOCATION" ] || LOCATION=${AZURE_LOCATION:-westus2}
    N=$(printf '%d' "0x$(checksum "$IMAGE" | cut -c1-7)")
    echo "==> $BUILDER: Capturing image $IMAGE into gallery $GALLERY..."
    echo "Build '$BUILDER' finished."
    echo
    echo "==> Builds finished. The artifacts of successful builds are:"
    echo "--> $BUILDER: Azure.ResourceManagement.VMImage:"
    echo
    echo "OSType: Linux"
    echo "ManagedImageResourceGroupName: $RG"
    echo "ManagedImageName: $IMAGE"
    echo "ManagedImageId: /subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.Compute/images/$IMAGE"
    echo "ManagedImageLocation: $LOCATION"
    echo "ManagedImageSharedImageGalleryId: /subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.Compute/galleries/$GALLERY/images/$IMAGE/versions/0.1.$N"
    ;;
esac

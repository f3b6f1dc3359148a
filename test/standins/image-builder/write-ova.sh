#!/bin/sh
# Writes an OVA real tooling can import (govc import.ova, vcsim, ovftool): usage `write-ova.sh DIR NAME < PROPERTIES`.
# PROPERTIES: one KEY=VALUE line per OVF property (the image-builder metadata.json: VERSION, DISTRO_NAME, ...).
# In DIR it writes NAME.ovf, NAME.mf and NAME.ova (tar: .ovf, .mf, then NAME-disk-0.vmdk, which is not kept). The
# descriptor has References, DiskSection, NetworkSection (nic0) and a VirtualSystem with a VirtualHardwareSection
# (vmx-13: 2 CPUs, 2 GiB, SCSI controller, the disk, a VMXNET3 NIC on nic0) and a ProductSection with the
# properties. The disk is a real, empty streamOptimized VMDK (VMware Virtual Disk Format 5.0: sparse extent
# header, descriptor, grain directory at the end with a footer and an end-of-stream marker), written with printf
# and dd: busybox sh compatible, no qemu-img needed. The .ovf and .vmdk are the same bytes for the same arguments and input.
set -eu

DIR="$1"
NAME="$2"
CAPACITY_BYTES=16777216                  # 16 MiB virtual size (nothing allocated: the file stays 68 KiB)
SECTORS=$((CAPACITY_BYTES / 512))
GRAIN=128                                # sectors per grain (64 KiB)
GTES=512                                 # grain table entries per grain table
OVERHEAD=128                             # header + descriptor, padded to one grain
GD_ENTRIES=$(((SECTORS + GRAIN * GTES - 1) / (GRAIN * GTES)))
GD_SECTORS=$(((GD_ENTRIES * 4 + 511) / 512))
GD_OFFSET=$((OVERHEAD + 1))              # after the grain directory marker

xml_escape() {
  printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g'
}

# le N BYTES: N as BYTES little-endian bytes (-1 gives all 0xff).
le() {
  _n=$1
  _i=0
  _out=''
  while [ "$_i" -lt "$2" ]; do
    _out="$_out\\$(printf '%03o' $((_n & 255)))"
    _n=$((_n >> 8))
    _i=$((_i + 1))
  done
  printf "$_out"
}

# sector FILE: FILE's bytes padded with zeros to one 512-byte sector.
sector() {
  dd if="$1" bs=512 count=1 conv=sync 2>/dev/null
}

# header GD_OFFSET: the 512-byte SparseExtentHeader (flags: newline check, compressed grains, markers).
header() {
  {
    printf 'KDMV'
    le 3 4
    le $((0x30001)) 4
    le "$SECTORS" 8
    le "$GRAIN" 8
    le 1 8                               # descriptor offset (sectors)
    le 1 8                               # descriptor size (sectors)
    le "$GTES" 4
    le 0 8                               # no redundant grain directory
    le "$1" 8
    le "$OVERHEAD" 8
    printf '\000\n \r\n'                 # clean shutdown; the newline-corruption check characters
    le 1 2                               # deflate
  } > "$TMP/sector"
  sector "$TMP/sector"
}

# marker VALUE TYPE: a metadata marker sector (1 = grain table, 2 = grain directory, 3 = footer).
marker() {
  { le "$1" 8; le 0 4; le "$2" 4; } > "$TMP/sector"
  sector "$TMP/sector"
}

vmdk() {
  cat > "$TMP/descriptor" <<EOF
# Disk DescriptorFile
version=1
CID=7e5d4c3b
parentCID=ffffffff
createType="streamOptimized"

# Extent description
RW $SECTORS SPARSE "$NAME-disk-0.vmdk"

# The Disk Data Base
#DDB

ddb.adapterType = "lsilogic"
ddb.geometry.cylinders = "$((SECTORS / (16 * 63)))"
ddb.geometry.heads = "16"
ddb.geometry.sectors = "63"
ddb.virtualHWVersion = "4"
EOF
  header -1                              # grain directory at the end: the footer says where
  sector "$TMP/descriptor"
  dd if=/dev/zero bs=512 count=$((OVERHEAD - 2)) 2>/dev/null
  marker "$GD_SECTORS" 2
  dd if=/dev/zero bs=512 count="$GD_SECTORS" 2>/dev/null   # every entry 0: no grain table, the disk reads as zeros
  marker 1 3
  header "$GD_OFFSET"
  dd if=/dev/zero bs=512 count=1 2>/dev/null               # end-of-stream marker
}

ovf() {
  DISK_SIZE=$(wc -c < "$NAME-disk-0.vmdk" | tr -d ' ')
  cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href="$NAME-disk-0.vmdk" ovf:id="file1" ovf:size="$DISK_SIZE"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="$CAPACITY_BYTES" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized" ovf:populatedSize="0"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="nic0">
      <Description>Please select a network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="$(xml_escape "$NAME")">
    <Info>A virtual machine</Info>
    <Name>$(xml_escape "$NAME")</Name>
    <OperatingSystemSection ovf:id="94" vmw:osType="ubuntu64Guest">
      <Info>The kind of installed guest operating system</Info>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>$(xml_escape "$NAME")</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of Virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>2048MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI Controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard Disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>nic0</rasd:Connection>
        <rasd:Description>VMXNET3 ethernet adapter on &quot;nic0&quot;</rasd:Description>
        <rasd:ElementName>Ethernet 1</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
    </VirtualHardwareSection>
    <ProductSection>
      <Info>Information about the installed software</Info>
      <Product>$(xml_escape "$NAME")</Product>
EOF
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    key=${line%%=*}
    value=${line#*=}
    echo "      <Property ovf:key=\"$(xml_escape "$key")\" ovf:type=\"string\" ovf:userConfigurable=\"false\" ovf:value=\"$(xml_escape "$value")\"/>"
  done
  cat <<EOF
    </ProductSection>
  </VirtualSystem>
</Envelope>
EOF
}

[ -d "$DIR" ] || { echo "ERROR: write-ova.sh: $DIR is not a directory" >&2; exit 2; }
cd "$DIR"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
vmdk > "$NAME-disk-0.vmdk"
ovf > "$NAME.ovf"
{
  echo "SHA256($NAME.ovf)= $(sha256sum "$NAME.ovf" | cut -d' ' -f1)"
  echo "SHA256($NAME-disk-0.vmdk)= $(sha256sum "$NAME-disk-0.vmdk" | cut -d' ' -f1)"
} > "$NAME.mf"
tar -cf "$NAME.ova" "$NAME.ovf" "$NAME.mf" "$NAME-disk-0.vmdk"
rm -f "$NAME-disk-0.vmdk"

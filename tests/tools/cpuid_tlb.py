#!/usr/bin/python3
"""cpuid_tlb.py DUMP - an independent reading of the TLB leaves in a cpuid
dump ("LEAF SUBLEAF EAX EBX ECX EDX" in hex a line, as cpuid_dump writes),
from Intel's SDM (CPUID leaves 0, 1, 2 and 0x18) and AMD's APM (leaves
0x80000005/6), sharing no code with vmtlb. Prints one JSON object:

  vendor, family, model, stepping     leaves 0 and 1
  intel_tlb_descriptors               leaf 2's bytes that are TLB
                                      descriptors (SDM table "TLB
                                      descriptors"), in order
  intel_leaf18_tlbs                   leaf 0x18's subleaves that describe
                                      a TLB (type != 0)
  amd_l2_4k_entries                   0x80000006 EBX: data + instruction
                                      entries for 4K pages (AMD only)
"""
import json
import sys

# The one-byte TLB descriptor codes of leaf 2 (Intel SDM vol. 2A, CPUID,
# "Encoding of CPUID Leaf 2 Descriptors", the rows of type TLB/DTLB/STLB).
TLB_CODES = {0x01, 0x02, 0x03, 0x04, 0x05, 0x0b, 0x4f, 0x50, 0x51, 0x52,
             0x55, 0x56, 0x57, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x61, 0x63,
             0x64, 0x6a, 0x6b, 0x6c, 0x6d, 0x76, 0xa0, 0xb0, 0xb1, 0xb2,
             0xb3, 0xb4, 0xb5, 0xb6, 0xba, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4,
             0xca}


def read(path):
    leaves = {}
    for line in open(path):
        t = line.split()
        if len(t) == 6 and not line.startswith("#"):
            leaves[(int(t[0], 16), int(t[1], 16))] = [int(x, 16) for x in t[2:]]
    return leaves


def main():
    lv = read(sys.argv[1])
    a0, b0, c0, d0 = lv[(0, 0)]
    vendor = b"".join(r.to_bytes(4, "little") for r in (b0, d0, c0)).decode()
    eax1 = lv[(1, 0)][0]
    base_family, base_model = eax1 >> 8 & 0xf, eax1 >> 4 & 0xf
    family = base_family + (eax1 >> 20 & 0xff if base_family == 0xf else 0)
    model = base_model
    if base_family in (0x6, 0xf):
        model |= (eax1 >> 16 & 0xf) << 4
    out = {"vendor": vendor, "family": family, "model": model,
           "stepping": eax1 & 0xf, "intel_tlb_descriptors": [],
           "intel_leaf18_tlbs": 0, "amd_l2_4k_entries": None}
    if vendor == "GenuineIntel":
        if a0 >= 2 and (2, 0) in lv:
            for i, reg in enumerate(lv[(2, 0)]):
                if reg >> 31:
                    continue        # bit 31 set: no descriptors in it
                for b in range(4):
                    if i == 0 and b == 0:
                        continue    # AL: the count of calls
                    code = reg >> (8 * b) & 0xff
                    if code in TLB_CODES:
                        out["intel_tlb_descriptors"].append(code)
        if a0 >= 0x18:
            for (leaf, sub), r in lv.items():
                if leaf == 0x18 and r[3] & 0x1f:
                    out["intel_leaf18_tlbs"] += 1
    elif (0x80000006, 0) in lv:
        ebx = lv[(0x80000006, 0)][1]
        out["amd_l2_4k_entries"] = (ebx >> 16 & 0xfff) + (ebx & 0xfff)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

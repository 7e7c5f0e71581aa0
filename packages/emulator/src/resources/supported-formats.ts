/**
 * The answer of Model Derivative's `get-formats`: the `example-1` of S-md's `SupportedFormats` schema
 * (`modelderivative.yaml`), verbatim. Serving the documented example is the emulator's choice: the emulator
 * translates nothing, so it only reports what APS documents.
 */
export const SUPPORTED_FORMATS: { readonly formats: Readonly<Record<string, readonly string[]>> } = Object.freeze({
  formats: Object.freeze({
    dwg: Object.freeze(["f2d", "f3d", "rvt"]),
    fbx: Object.freeze(["f3d"]),
    ifc: Object.freeze(["rvt"]),
    iges: Object.freeze(["f3d", "fbx", "iam", "ipt", "wire"]),
    obj: Object.freeze(["asm", "f3d", "fbx", "iam", "ipt", "neu", "prt", "sldasm", "sldprt", "smb", "smt", "step", "stp", "stpz", "wire", "x_b", "x_t", "asm\\.\\d+$", "neu\\.\\d+$", "prt\\.\\d+$"]),
    step: Object.freeze(["f3d", "fbx", "iam", "ipt", "smb", "smt", "wire"]),
    stl: Object.freeze(["f3d", "fbx", "iam", "ipt", "wire"]),
    svf: Object.freeze(["3dm", "3ds", "a", "asm", "axm", "brd", "catpart", "catproduct", "cgr", "collaboration", "dae", "ddx", "ddz", "dgk", "dgn", "dlv3", "dmt", "dwf", "dwfx", "dwg", "dwt", "dxf", "emodel", "exp", "f3d", "fbrd", "fbx", "fsch", "g", "gbxml", "glb", "gltf", "iam", "idw", "ifc", "ifw", "ige", "iges", "igs", "ipt", "iwm", "jt", "max", "model", "mpf", "msr", "neu", "nwc", "nwd", "obj", "osb", "par", "pdf", "pmlprj", "pmlprjz", "prt", "psm", "psmodel", "rcp", "rvt", "sab", "sat", "sch", "session", "skp", "sldasm", "sldprt", "smb", "smt", "ste", "step", "stl", "stla", "stlb", "stp", "stpz", "vpb", "vue", "wire", "x_b", "x_t", "xas", "xpr", "zip", "asm\\.\\d+$", "neu\\.\\d+$", "prt\\.\\d+$"]),
    svf2: Object.freeze(["3dm", "3ds", "a", "asm", "axm", "brd", "catpart", "catproduct", "cgr", "collaboration", "dae", "ddx", "ddz", "dgk", "dgn", "dlv3", "dmt", "dwf", "dwfx", "dwg", "dwt", "dxf", "emodel", "exp", "f3d", "fbrd", "fbx", "fsch", "g", "gbxml", "glb", "gltf", "iam", "idw", "ifc", "ifw", "ige", "iges", "igs", "ipt", "iwm", "jt", "max", "model", "mpf", "msr", "neu", "nwc", "nwd", "obj", "osb", "par", "pdf", "pmlprj", "pmlprjz", "prt", "psm", "psmodel", "rcp", "rvt", "sab", "sat", "sch", "session", "skp", "sldasm", "sldprt", "smb", "smt", "ste", "step", "stl", "stla", "stlb", "stp", "stpz", "vpb", "vue", "wire", "x_b", "x_t", "xas", "xpr", "zip", "asm\\.\\d+$", "neu\\.\\d+$", "prt\\.\\d+$"]),
    thumbnail: Object.freeze(["3dm", "3ds", "a", "asm", "axm", "axmf", "brd", "catpart", "catproduct", "cgr", "collaboration", "dae", "ddx", "ddz", "dgk", "dgn", "dlv3", "dmt", "dwf", "dwfx", "dwg", "dwgx", "dwt", "dxf", "emodel", "exp", "f2d", "f3d", "fbrd", "fbx", "flbr", "fprj", "fsch", "g", "gbxml", "glb", "gltf", "iam", "idw", "ifc", "ifw", "ige", "iges", "igs", "ipt", "iwm", "jt", "max", "model", "mpf", "msr", "neu", "nwc", "nwd", "obj", "osb", "par", "pdf", "pmlprj", "pmlprjz", "prt", "psm", "psmodel", "rcp", "rva", "rvt", "sab", "sat", "sch", "session", "skp", "sldasm", "sldprt", "smb", "smt", "ste", "step", "stl", "stla", "stlb", "stp", "stpz", "vpb", "vue", "wire", "x_b", "x_t", "xas", "xpr", "zip", "asm\\.\\d+$", "neu\\.\\d+$", "prt\\.\\d+$"]),
  }),
});

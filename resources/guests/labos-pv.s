; labos-pv.s — the paravirtualized build of labos (the `pv` monitor's guests): the same sources as
; labos.s with PV defined, which selects labos/arch_pv.inc (hypercalls, a shared interrupt-mask
; flag, console and disk rings; ABI in labos/pv.inc and docs/monitors.md).
PV = 1
.include "labos.s"

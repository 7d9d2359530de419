; user/udata.s — the user image's writable data, on its own page(s) after the code: a page that
; is written is never also executed, so monitors that cache decoded or translated code never
; see user code modified. Every process has its own copy (the whole user image is copied).

.align 4096
udata_start:
olen:       .word 0
obuf:       .space OBUF_SIZE
.align 4
mixed_pids: .space 4 * 8

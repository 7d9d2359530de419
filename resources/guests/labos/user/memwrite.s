; user/memwrite.s — `memwrite`: writes a working set of wss_kib KiB at rate_pps pages per virtual
; second (live migration's dirty rate), visiting the pages in order, pass after pass.
; Parameters (the knobs the live-migration papers vary):
;   wss_kib      working set (default 256)
;   rate_pps     unique pages dirtied per virtual second (default 1000; 0 = as fast as possible)
;   passes       passes over the working set (default 4; 0 = forever)
;   write_bytes  bytes written per page visit, rounded down to whole words: 4 = one word (default) …
;                4096 = the whole page (XBZRLE helps the first, not the second)
;   content      what is written: 0 = random (incompressible, the default), 1 = text (four-letter
;                chunks of a 16-entry table: compresses several times); `content=random|text` on the
;                command line of `hvlab run` / `hvlab migrate`
;   fill_kib     memory filled once at start, outside the working set, with the same content (a page
;                cache the guest never touches again; default 0)
; The bytes come from one xorshift32 generator with a fixed seed, so identical VMs hold identical
; memory (what deduplication of VMs migrated together finds). The visit of page n in pass p writes
; at offset ((p × 64) + n × 4) mod 4 KiB (kept inside the page). Pacing uses the uptime call: page
; visit n is done no earlier than start + n × (1e6 / rate_pps) us, sleeping when ahead. Prints the
; pages written and a checksum of the first word of every visit (no timing, so the line is the same
; under every monitor and whether or not the VM was migrated).

MW_BASE    = 0
MW_NPAGES  = 4
MW_PASSES  = 8
MW_USPP    = 12
MW_START   = 16
MW_WRITTEN = 20
MW_ARG     = 24
MW_KIB     = 28
MW_WB      = 32
MW_TEXT    = 36
MW_RNG     = 40
MW_FRAME   = 44

p_memwrite:
  ENTER
  addi sp, sp, -MW_FRAME
  stw r1, MW_ARG(sp)
  li r1, 0x2545F491
  stw r1, MW_RNG(sp)
  ULA r1, .k_wss
  li r2, 256
  call param
  cmpi r1, 4
  bge .wssok
  li r1, 4
.wssok:
  stw r1, MW_KIB(sp)
  srli r1, r1, 2
  stw r1, MW_NPAGES(sp)
  ULA r1, .k_rate
  li r2, 1000
  call param
  li r2, 0
  cmpi r1, 0
  ble .rate0
  li r2, 1000000
  divu r2, r2, r1
.rate0:
  stw r2, MW_USPP(sp)
  ULA r1, .k_passes
  li r2, 4
  call param
  stw r1, MW_PASSES(sp)
  ULA r1, .k_wb
  li r2, 4
  call param
  li r2, -4
  and r1, r1, r2            ; whole words
  cmpi r1, 4
  bge .wbmin
  li r1, 4
.wbmin:
  li r2, 4096
  cmp r1, r2
  ble .wbmax
  mov r1, r2
.wbmax:
  stw r1, MW_WB(sp)
  ULA r1, .k_content
  li r2, 0
  call param
  stw r1, MW_TEXT(sp)
  ldw r1, MW_NPAGES(sp)
  slli r1, r1, 12
  call usbrk
  cmpi r1, -1
  beq .nomem
  stw r1, MW_BASE(sp)
  ; the fill: memory written once, outside the working set
  ULA r1, .k_fill
  li r2, 0
  call param
  cmpi r1, 0
  ble .nofill
  slli r12, r1, 10          ; bytes
  mov r1, r12
  call usbrk
  cmpi r1, -1
  beq .nomem
  srli r2, r12, 2           ; words
  mov r3, sp
  call mw_fill
.nofill:
  call uuptime
  stw r1, MW_START(sp)
  stw r0, MW_WRITTEN(sp)
  li r7, 0                  ; pass
  li r11, 0                 ; checksum
.pass:
  ldw r1, MW_PASSES(sp)
  cmpi r1, 0
  beq .go
  cmp r7, r1
  bgeu .done
.go:
  li r8, 0                  ; page
.page:
  ldw r1, MW_NPAGES(sp)
  cmp r8, r1
  bgeu .endpass
  ; where this visit writes: ((pass × 64) + page × 4) mod 4 KiB, at most 4 KiB − write_bytes
  slli r1, r7, 6
  slli r2, r8, 2
  add r1, r1, r2
  andi r1, r1, 0xffc
  ldw r3, MW_WB(sp)
  li r2, 4096
  sub r2, r2, r3
  cmp r2, r1
  bgeu .inpage
  mov r1, r2
.inpage:
  slli r2, r8, 12
  add r1, r1, r2
  ldw r2, MW_BASE(sp)
  add r1, r1, r2
  ldw r2, MW_WB(sp)
  srli r2, r2, 2
  mov r3, sp
  call mw_fill
  mov r2, r1
  mov r1, r11
  call mix
  mov r11, r1
  addi r8, r8, 1
  ldw r12, MW_WRITTEN(sp)
  addi r12, r12, 1
  stw r12, MW_WRITTEN(sp)
  ; pacing
  ldw r1, MW_USPP(sp)
  cmpi r1, 0
  beq .page
  mul r12, r12, r1          ; due, us after start
  call uuptime
  ldw r2, MW_START(sp)
  sub r1, r1, r2            ; now, us after start
  sub r1, r12, r1           ; due - now
  cmpi r1, 0
  ble .page
  call usleep
  j .page
.endpass:
  addi r7, r7, 1
  j .pass
.done:
  ldw r1, MW_ARG(sp)
  andi r1, r1, QUIET
  cmpi r1, 0
  beq .print
  mov r1, r11
  j .out
.print:
  ULA r1, .m1
  call puts
  ldw r1, MW_WRITTEN(sp)
  call putdec
  ULA r1, .m2
  call puts
  ldw r1, MW_NPAGES(sp)
  call putdec
  ULA r1, .m3
  call puts
  ldw r1, MW_KIB(sp)
  call putdec
  ULA r1, .m4
  call puts
  mov r1, r7
  call putdec
  ULA r1, .m5
  call puts
  mov r1, r11
  call puthex
  li r1, '\n'
  call putc
  li r1, 0
.out:
  addi sp, sp, MW_FRAME
  LEAVE
.nomem:
  ULA r1, .m_nomem
  call puts
  li r1, 1
  j .out
.k_wss:     .asciz "wss_kib"
.k_rate:    .asciz "rate_pps"
.k_passes:  .asciz "passes"
.k_wb:      .asciz "write_bytes"
.k_content: .asciz "content"
.k_fill:    .asciz "fill_kib"
.m1: .asciz "memwrite: wrote "
.m2: .asciz " pages ("
.m3: .asciz " pages = "
.m4: .asciz " KiB working set, "
.m5: .asciz " passes), checksum "
.m_nomem: .asciz "memwrite: not enough memory for the working set\n"
.align 4

; mw_fill(r1 = address, r2 = words, r3 = memwrite's frame) -> r1 = the first word written.
; Writes `words` words of the frame's content type and advances its generator (xorshift32:
; x ^= x << 13; x ^= x >> 17; x ^= x << 5). Text picks a four-letter chunk by the top 4 bits.
mw_fill:
  ENTER
  mov r7, r1
  mov r8, r2
  mov r9, r3
  ldw r10, MW_RNG(r9)
  ldw r11, MW_TEXT(r9)
  ULA r12, .mw_words
  li r6, 0                  ; the first word
  li r5, 1                  ; still at the first word
.fl:
  cmpi r8, 0
  beq .fd
  slli r1, r10, 13
  xor r10, r10, r1
  srli r1, r10, 17
  xor r10, r10, r1
  slli r1, r10, 5
  xor r10, r10, r1
  mov r2, r10
  cmpi r11, 0
  beq .fw
  srli r1, r10, 28
  slli r1, r1, 2
  add r1, r1, r12
  ldw r2, 0(r1)
.fw:
  stw r2, 0(r7)
  cmpi r5, 0
  beq .fn
  mov r6, r2
  li r5, 0
.fn:
  addi r7, r7, 4
  addi r8, r8, -1
  j .fl
.fd:
  stw r10, MW_RNG(r9)
  mov r1, r6
  LEAVE
.align 4
.mw_words: .ascii "the and pagedatahostmem of a to copydirty bits, VM. linkratesent"
.align 4

; pv.s — helper functions of the paravirtualized build (labos/arch_pv.inc): batched page-table
; updates, the console ring, port access through hypercalls, idling and unmasking.
; Every function preserves all registers but its documented output (they are called from macros
; that promise the same), and uses only the kernel stack.

; pv_mmu_queue(pte address r2, value r3): queue one update; a full batch is applied at once.
pv_mmu_queue:
  push r1
  push r4
  ldw r1, PV_MMU_COUNT(r0)
  slli r4, r1, 3
  stw r2, PV_MMU_BATCH(r4)
  stw r3, PV_MMU_BATCH + 4(r4)
  addi r1, r1, 1
  stw r1, PV_MMU_COUNT(r0)
  cmpi r1, PV_MMU_MAX
  blt .out
  push lr
  call pv_mmu_sync
  pop lr
.out:
  pop r4
  pop r1
  ret

; pv_mmu_sync: apply the queued updates with one HC_MMU_UPDATE (nothing when the batch is empty).
pv_mmu_sync:
  push r1
  ldw r1, PV_MMU_COUNT(r0)
  cmpi r1, 0
  beq .out
  push r2
  push r3
  mov r3, r1
  li r2, PV_MMU_BATCH
  li r1, HC_MMU_UPDATE
  hcall
  stw r0, PV_MMU_COUNT(r0)
  pop r3
  pop r2
.out:
  pop r1
  ret

; pv_con_putc(byte r3): append to the console ring; notify the backend at a newline or half ring.
pv_con_putc:
  push r1
  push r2
  ldw r1, PV_CON_PROD(r0)
  andi r2, r1, PV_CON_SIZE - 1
  stb r3, PV_CON_BUF(r2)
  addi r1, r1, 1
  stw r1, PV_CON_PROD(r0)
  andi r2, r3, 0xff
  cmpi r2, 10
  beq .notify
  ldw r2, PV_CON_CONS(r0)
  sub r2, r1, r2
  cmpi r2, PV_CON_SIZE / 2
  blt .out
.notify:
  li r2, PV_PORT_CONSOLE
  li r1, HC_EVTCHN_SEND
  hcall
.out:
  pop r2
  pop r1
  ret

; pv_con_flush: notify the backend if the console ring holds bytes.
pv_con_flush:
  push r1
  push r2
  ldw r1, PV_CON_PROD(r0)
  ldw r2, PV_CON_CONS(r0)
  cmp r1, r2
  beq .out
  li r2, PV_PORT_CONSOLE
  li r1, HC_EVTCHN_SEND
  hcall
.out:
  pop r2
  pop r1
  ret

; pv_out(port r2, value r3): the console data port goes to the ring, every other port to HC_IO_WRITE.
pv_out:
  cmpi r2, CON_DATA
  bne .other
  push lr
  call pv_con_putc
  pop lr
  ret
.other:
  push lr
  call pv_con_flush
  pop lr
  push r1
  li r1, HC_IO_WRITE
  hcall
  pop r1
  ret

; pv_in(port r2) -> r1
pv_in:
  push lr
  call pv_con_flush
  pop lr
  li r1, HC_IO_READ
  hcall
  ret

; pv_unmask: events on (PV_MASK = 0); if some arrived while masked, have them delivered now.
pv_unmask:
  push r1
  stw r0, PV_MASK(r0)
  ldw r1, PV_PENDING(r0)
  cmpi r1, 0
  beq .out
  li r1, HC_EVTCHN_UNMASK
  hcall
.out:
  pop r1
  ret

; pv_idle: the native "sti; hlt; cli": flush the console, block until an event is delivered, mask.
pv_idle:
  push r1
  push lr
  call pv_con_flush
  pop lr
  li r1, HC_BLOCK
  hcall
  li r1, 1
  stw r1, PV_MASK(r0)
  pop r1
  ret

; disk.s — the block disk driver (512-byte sectors, DMA to physical memory, §9.3).
;
; Interface: disk_init() (disk_cap = capacity in sectors, 0 if there is no disk),
; disk_rw(cmd, sector, pa, count) -> 0 / -1 (cmd 1 = read into memory, 2 = write from memory).
; Rules: synchronous: the caller's CPU polls the status port until the transfer is done (the
; kernel is not preemptible, and polling keeps the driver identical under every monitor), then
; acknowledges it, which also lowers IRQ2. disk_lock serialises the controller between CPUs.
; Paravirtualized build: the request goes on the block ring (labos/pv.inc) and the CPU polls the
; ring's response index instead; the `pv` monitor's backend drives the disk and acknowledges it.

DISK_POLL_LIMIT = 1000000

disk_init:
  ARCH_IN r1, DISK_CAPACITY
  cmpi r1, -1
  bne .ok
  li r1, 0
.ok:
  STORE r1, disk_cap, r2
  ret

disk_rw:
  ENTER
  mov r7, r1
  mov r8, r2
  mov r9, r3
  mov r10, r4
  LOAD r1, disk_cap
  cmp r8, r1
  bgeu .fail
  add r2, r8, r10
  cmp r2, r1
  bgtu .fail
  call disk_acquire
.ifdef PV
  ; paravirtualized: one request on the block ring, a notification, then wait for the response
  ldw r1, PV_BLK_REQ_PROD(r0)
  andi r2, r1, PV_BLK_SLOTS - 1
  slli r2, r2, 4
  stw r7, PV_BLK_REQS(r2)
  stw r8, PV_BLK_REQS + 4(r2)
  stw r9, PV_BLK_REQS + 8(r2)
  stw r10, PV_BLK_REQS + 12(r2)
  addi r11, r1, 1
  stw r11, PV_BLK_REQ_PROD(r0)
  li r2, PV_PORT_BLOCK
  li r1, HC_EVTCHN_SEND
  hcall
.pvwait:
  ldw r1, PV_BLK_RSP_PROD(r0)
  cmp r1, r11
  bltu .pvwait
  addi r1, r11, -1
  andi r1, r1, PV_BLK_SLOTS - 1
  slli r1, r1, 2
  ldw r11, PV_BLK_RSPS(r1)
  call disk_release
  cmpi r11, 0
  bne .fail
  li r1, 0
  LEAVE
.else
  ARCH_OUT r8, DISK_SECTOR
  ARCH_OUT r9, DISK_ADDR
  ARCH_OUT r10, DISK_COUNT
  ARCH_OUT r7, DISK_CMD
  li r11, DISK_POLL_LIMIT
.poll:
  ARCH_IN r1, DISK_STATUS
  andi r2, r1, 4
  cmpi r2, 0
  bne .done
  andi r2, r1, 1
  cmpi r2, 0
  beq .err                  ; neither busy nor done: the command was refused
  addi r11, r11, -1
  cmpi r11, 0
  bne .poll
  j .err
.done:
  andi r11, r1, 2
  ARCH_OUT r0, DISK_ACK
  call disk_release
  cmpi r11, 0
  bne .fail
  li r1, 0
  LEAVE
.err:
  ARCH_OUT r0, DISK_ACK
  call disk_release
.endif
.fail:
  li r1, -1
  LEAVE

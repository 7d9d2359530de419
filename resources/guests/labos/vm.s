; vm.s — page tables for 2 or 4 levels (chosen by the boot block), the kernel's direct map,
; user address spaces and access to user memory from the kernel.
;
; Interface:
;   vm_setlevels(levels)                 pt_levels/bits/mask/rootshift for 2 or 4 levels
;   walk(root, va, alloc) -> &leaf PTE or 0
;   map_page(root, va, pa, perm) -> 0 / -1 (already mapped or no memory)
;   unmap_page(root, va) -> pa or 0 (not mapped); invalidates the TLB entry
;   kvm_init()                           kpgdir: identity map of [4 KiB, dmap_end), kernel only (U=0)
;   uvm_create() -> root or 0            new address space sharing the kernel's tables
;   uvm_free(root)                       frees the user half: pages, tables, the root
;   uva2pa(root, va, write) -> pa or -1  the physical address of a user byte, if the process may
;                                        access it (user range, present, U, and W for a write)
;   copy_user(root, kaddr, uva, n, toUser) -> 0 / -1
;   copyinstr(root, kdst, uva, size) -> 0 / -1
; Rules: non-leaf entries are P|W|U (the leaf decides permissions). The kernel half (root entries
; below USER_BASE) points at the kernel's shared tables and is never freed with a process. Every
; PTE store goes through ARCH_SET_PTE. The kernel reads user memory only through uva2pa and the
; direct map, so a bad user pointer is an error return, never a kernel page fault.

vm_setlevels:
  STORE r1, pt_levels, r2
  cmpi r1, 4
  beq .four
  li r1, 10
  STORE r1, pt_bits, r2
  li r1, 1023
  STORE r1, pt_mask, r2
  li r1, 22
  STORE r1, pt_rootshift, r2
  li r1, 4096
  STORE r1, pt_tsize, r2
  ret
.four:
  li r1, 5
  STORE r1, pt_bits, r2
  li r1, 31
  STORE r1, pt_mask, r2
  li r1, 27
  STORE r1, pt_rootshift, r2
  li r1, 128
  STORE r1, pt_tsize, r2
  ret

; walk(root r1, va r2, alloc r3) -> address of the leaf PTE, or 0
walk:
  ARCH_PT_SYNC              ; queued PTE updates (paravirtualized build) first: we read the tables
  ENTER
  mov r7, r1
  mov r8, r2
  mov r9, r3
  LOAD r10, pt_levels
  addi r10, r10, -1
  LOAD r11, pt_rootshift
  LOAD r12, pt_mask
.level:
  shr r1, r8, r11
  and r1, r1, r12
  slli r1, r1, 2
  add r1, r7, r1
  cmpi r10, 0
  beq .leaf
  ldw r2, 0(r1)
  andi r3, r2, PTE_P
  cmpi r3, 0
  bne .present
  cmpi r9, 0
  beq .fail
  push r1
  call ptalloc
  pop r2
  cmpi r1, 0
  beq .fail
  ori r1, r1, PTE_P | PTE_W | PTE_U
  ARCH_SET_PTE r1, r2
  mov r2, r1
.present:
  li r3, -128
  and r7, r2, r3
  LOAD r3, pt_bits
  sub r11, r11, r3
  addi r10, r10, -1
  j .level
.leaf:
  LEAVE
.fail:
  li r1, 0
  LEAVE

; map_page(root r1, va r2, pa r3, perm r4) -> 0 / -1
map_page:
  ENTER
  mov r7, r3
  mov r8, r4
  li r3, 1
  call walk
  cmpi r1, 0
  beq .fail
  ldw r2, 0(r1)
  andi r2, r2, PTE_P
  cmpi r2, 0
  bne .fail
  or r2, r7, r8
  ori r2, r2, PTE_P
  ARCH_SET_PTE r2, r1
  li r1, 0
  LEAVE
.fail:
  li r1, -1
  LEAVE

; unmap_page(root r1, va r2) -> pa / 0
unmap_page:
  ENTER
  mov r7, r2
  li r3, 0
  call walk
  cmpi r1, 0
  beq .none
  ldw r2, 0(r1)
  andi r3, r2, PTE_P
  cmpi r3, 0
  beq .none
  ARCH_SET_PTE r0, r1
  ARCH_INVLPG r7
  li r3, -4096
  and r1, r2, r3
  LEAVE
.none:
  li r1, 0
  LEAVE

; kvm_init: the kernel page table, an identity map of RAM up to dmap_end, kernel-only.
kvm_init:
  ENTER
  call ptalloc
  cmpi r1, 0
  beq .oom
  STORE r1, kpgdir, r2
  li r7, PAGE_SIZE          ; va: page 0 stays unmapped, so a kernel null pointer faults (panic)
  LOAD r8, dmap_end
.table:
  cmp r7, r8
  bgeu .done
  LOAD r1, kpgdir
  mov r2, r7
  li r3, 1
  call walk
  cmpi r1, 0
  beq .oom
  ; fill this leaf table from va's slot to its end
  LOAD r9, pt_mask
  srli r2, r7, 12
  and r2, r2, r9
  sub r9, r9, r2
  addi r9, r9, 1            ; entries left in the table
.fill:
  ori r2, r7, PTE_P | PTE_W
  ARCH_SET_PTE r2, r1
  addi r1, r1, 4
  li r2, PAGE_SIZE
  add r7, r7, r2
  addi r9, r9, -1
  cmp r7, r8
  bgeu .done
  cmpi r9, 0
  bne .fill
  j .table
.done:
  LEAVE
.oom:
  la r1, .msg
  j panic
.msg: .asciz "out of memory building the kernel page table"
.align 4

; uvm_create() -> root or 0: a root table whose kernel half is the kernel's.
uvm_create:
  ARCH_PT_SYNC
  ENTER
  call ptalloc
  cmpi r1, 0
  beq .out
  LOAD r2, kpgdir
  LOAD r3, pt_rootshift
  li r4, USER_BASE
  shr r4, r4, r3            ; kernel-half entries
  mov r5, r1
.copy:
  cmpi r4, 0
  beq .out
  ldw r6, 0(r2)
  ARCH_SET_PTE r6, r5
  addi r2, r2, 4
  addi r5, r5, 4
  addi r4, r4, -1
  j .copy
.out:
  LEAVE

; uvm_free(root r1): free the user half and the root
uvm_free:
  ARCH_PT_SYNC
  ENTER
  mov r7, r1
  LOAD r3, pt_rootshift
  li r8, USER_BASE
  shr r8, r8, r3            ; first user entry
  li r9, USER_TOP
  shr r9, r9, r3            ; end
.loop:
  cmp r8, r9
  bgeu .root
  slli r1, r8, 2
  add r1, r7, r1
  ldw r1, 0(r1)
  andi r2, r1, PTE_P
  cmpi r2, 0
  beq .next
  li r2, -128
  and r1, r1, r2
  li r2, 1
  call free_tree
.next:
  addi r8, r8, 1
  j .loop
.root:
  mov r1, r7
  call ptfree
  LEAVE

; free_tree(table r1, level r2): free everything a non-root table maps, then the table
free_tree:
  ENTER
  mov r7, r1
  mov r8, r2
  LOAD r9, pt_levels
  addi r9, r9, -1           ; level of leaf tables
  LOAD r10, pt_mask
  addi r10, r10, 1          ; entries
  mov r11, r7
.loop:
  cmpi r10, 0
  beq .self
  ldw r1, 0(r11)
  andi r2, r1, PTE_P
  cmpi r2, 0
  beq .next
  cmp r8, r9
  beq .page
  li r2, -128
  and r1, r1, r2
  addi r2, r8, 1
  call free_tree
  j .next
.page:
  li r2, -4096
  and r1, r1, r2
  call kfree
.next:
  addi r11, r11, 4
  addi r10, r10, -1
  j .loop
.self:
  mov r1, r7
  call ptfree
  LEAVE

; uva2pa(root r1, va r2, write r3) -> pa or -1
uva2pa:
  ENTER
  mov r7, r2
  mov r8, r3
  li r4, USER_BASE
  sub r4, r2, r4
  li r5, USER_TOP - USER_BASE
  cmp r4, r5
  bgeu .bad
  li r3, 0
  call walk
  cmpi r1, 0
  beq .bad
  ldw r1, 0(r1)
  andi r2, r1, PTE_P | PTE_U
  cmpi r2, PTE_P | PTE_U
  bne .bad
  cmpi r8, 0
  beq .ok
  andi r2, r1, PTE_W
  cmpi r2, 0
  beq .bad
.ok:
  li r2, -4096
  and r1, r1, r2
  andi r2, r7, 0xfff
  or r1, r1, r2
  LEAVE
.bad:
  li r1, -1
  LEAVE

; copy_user(root r1, kaddr r2, uva r3, n r4, toUser r5) -> 0 / -1
copy_user:
  ENTER
  mov r7, r1
  mov r8, r2
  mov r9, r3
  mov r10, r4
  mov r11, r5
  li r12, -1
.loop:
  cmpi r10, 0
  beq .done
  cmpi r12, -1
  beq .xlate
  andi r1, r9, 0xfff
  cmpi r1, 0
  bne .have
.xlate:
  mov r1, r7
  mov r2, r9
  mov r3, r11
  call uva2pa
  mov r12, r1
  cmpi r12, -1
  beq .bad
.have:
  cmpi r11, 0
  bne .out
  ldb r1, 0(r12)
  stb r1, 0(r8)
  j .step
.out:
  ldb r1, 0(r8)
  stb r1, 0(r12)
.step:
  addi r8, r8, 1
  addi r9, r9, 1
  addi r12, r12, 1
  addi r10, r10, -1
  j .loop
.done:
  li r1, 0
  LEAVE
.bad:
  li r1, -1
  LEAVE

; copyinstr(root r1, kdst r2, uva r3, size r4) -> 0 / -1 (NUL-terminated, truncated to size-1)
copyinstr:
  ENTER
  mov r7, r1
  mov r8, r2
  mov r9, r3
  addi r10, r4, -1
  li r12, -1
.loop:
  cmpi r10, 0
  beq .end
  cmpi r12, -1
  beq .xlate
  andi r1, r9, 0xfff
  cmpi r1, 0
  bne .have
.xlate:
  mov r1, r7
  mov r2, r9
  li r3, 0
  call uva2pa
  mov r12, r1
  cmpi r12, -1
  beq .bad
.have:
  ldb r1, 0(r12)
  stb r1, 0(r8)
  cmpi r1, 0
  beq .ok
  addi r8, r8, 1
  addi r9, r9, 1
  addi r12, r12, 1
  addi r10, r10, -1
  j .loop
.end:
  stb r0, 0(r8)
.ok:
  li r1, 0
  LEAVE
.bad:
  stb r0, 0(r8)
  li r1, -1
  LEAVE

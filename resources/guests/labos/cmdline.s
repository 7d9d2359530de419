; cmdline.s — the boot command line "PROGRAM key=value …" (boot parameter block, §9.6).
;
; Interface: cmdline_parse() fills prog_name and params[] (key, numeric value; a bare key means
; 1); getparam_k(key, default) -> value (kernel string key).
; Rules: at most MAXPARAMS pairs, keys and the program name up to 15 characters (longer ones are
; cut); an empty command line runs "hello". Values are numbers (parse_num in string.s).

cmdline_parse:
  ENTER
  li r7, BOOT_BLOCK + BB_CMDLINE
  ; the command line is NUL-terminated inside the page; clamp its length anyway
  LOAD r1, boot_ok
  cmpi r1, 0
  bne .have
  la r7, .empty
.have:
  call .skipsp
  ; program name
  la r8, prog_name
  li r9, 15
.name:
  ldb r1, 0(r7)
  cmpi r1, ' '
  ble .nameend
  cmpi r9, 0
  beq .nameskip
  stb r1, 0(r8)
  addi r8, r8, 1
  addi r9, r9, -1
.nameskip:
  addi r7, r7, 1
  j .name
.nameend:
  stb r0, 0(r8)
  la r1, prog_name
  ldb r1, 0(r1)
  cmpi r1, 0
  bne .pairs
  la r1, prog_name
  la r2, .hello
  li r3, 16
  call strlcpy
.pairs:
  call .skipsp
  ldb r1, 0(r7)
  cmpi r1, 0
  beq .done
  LOAD r10, nparams
  cmpi r10, MAXPARAMS
  bge .done
  li r1, PARAM_SIZE
  mul r10, r10, r1
  la r1, params
  add r10, r10, r1          ; r10 = &params[n]
  mov r8, r10
  li r9, 15
.key:
  ldb r1, 0(r7)
  cmpi r1, ' '
  ble .bare
  cmpi r1, '='
  beq .value
  cmpi r9, 0
  beq .keyskip
  stb r1, 0(r8)
  addi r8, r8, 1
  addi r9, r9, -1
.keyskip:
  addi r7, r7, 1
  j .key
.bare:
  li r1, 1
  stw r1, PARAM_VALUE(r10)
  j .next
.value:
  addi r1, r7, 1
  call parse_num
  stw r1, PARAM_VALUE(r10)
  mov r7, r2
.skipword:
  ldb r1, 0(r7)
  cmpi r1, ' '
  ble .next
  addi r7, r7, 1
  j .skipword
.next:
  LOAD r1, nparams
  addi r1, r1, 1
  STORE r1, nparams, r2
  j .pairs
.done:
  LEAVE
; skip spaces/tabs at r7
.skipsp:
  ldb r1, 0(r7)
  cmpi r1, 0
  beq .sret
  cmpi r1, ' '
  bgt .sret
  addi r7, r7, 1
  j .skipsp
.sret:
  ret
.empty: .asciz ""
.hello: .asciz "hello"
.align 4

; getparam_k(key r1, default r2) -> value
getparam_k:
  ENTER
  mov r7, r1
  mov r8, r2
  la r9, params
  LOAD r10, nparams
.loop:
  cmpi r10, 0
  beq .miss
  mov r1, r9
  mov r2, r7
  call strcmp
  cmpi r1, 0
  beq .hit
  addi r9, r9, PARAM_SIZE
  addi r10, r10, -1
  j .loop
.hit:
  ldw r1, PARAM_VALUE(r9)
  LEAVE
.miss:
  mov r1, r8
  LEAVE

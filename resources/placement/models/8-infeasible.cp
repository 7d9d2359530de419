// An infeasible request: all five VMs must run on servers of 10 and 20 (the VMs need 31).
// The solver says which statements cannot hold together.
const n = 5;
const m = 2;
const size = [10, 5, 3, 6, 7];
const capa = [10, 20];

var bool on[1..n];
var int host[1..n] in 0..m;
var int load[1..m] in 0..sum(size);

constraint "on means placed": forall(i in 1..n) (on[i] <-> host[i] != 0);
constraint "loads": binPacking(host, size, load);
constraint "capacity": forall(s in 1..m) load[s] <= capa[s];
constraint "all VMs on": sum(on) == n;
constraint "VM 1 on server 1": host[1] == 1;

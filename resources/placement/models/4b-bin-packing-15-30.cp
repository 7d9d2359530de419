// Question 4: the VMs now need room. VM i consumes size[i]; server s holds capa[s].
// A VM is on exactly when it is placed on a server (host[i] = 0 means "not placed").
// Every VM may be on or off: maximise the profit of those that fit — now with servers of 15 and 30.
const n = 5;
const m = 2;
const cost = [10, 3, 5, 1, 9];
const size = [10, 5, 3, 6, 7];
const capa = [15, 30];

var bool on[1..n];
var int host[1..n] in 0..m;          // the server of VM i, 0 = not placed
var int load[1..m] in 0..sum(size);  // what server s hosts
var int profit = sum(i in 1..n) cost[i] * on[i];

constraint "on means placed": forall(i in 1..n) (on[i] <-> host[i] != 0);
constraint "loads": binPacking(host, size, load);
constraint "capacity": forall(s in 1..m) load[s] <= capa[s];
maximize profit;

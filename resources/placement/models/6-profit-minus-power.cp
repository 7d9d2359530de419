// Question 6: profit minus the cost of power. One unit of profit is worth 10 W, so the provider
// maximises 10 × profit − total power (in watts; integers only, hence the factor 10).
// Any number of VMs may run.
const n = 5;
const m = 2;
const cost = [10, 3, 5, 1, 9];
const size = [10, 5, 3, 6, 7];
const capa = [15, 30];
const power[0..m] = [0, 200, 100];
const wattsPerUnit = 10;

var bool on[1..n];
var int host[1..n] in 0..m;
var int load[1..m] in 0..sum(size);
var int profit = sum(i in 1..n) cost[i] * on[i];
var int totalPower = sum(s in 0..m) power[s] * exists(i in 1..n) (host[i] == s);

constraint "on means placed": forall(i in 1..n) (on[i] <-> host[i] != 0);
constraint "loads": binPacking(host, size, load);
constraint "capacity": forall(s in 1..m) load[s] <= capa[s];
maximize wattsPerUnit * profit - totalPower;

// Question 7: a server's power grows with the load it hosts. A server that hosts VMs draws its idle
// power plus wattsPerLoad watts per unit of load; an empty server is off and draws nothing:
//   power[s] = used[s] * (idle[s] + wattsPerLoad[s] * load[s])     (a product of two variables)
// Maximise 10 × profit − total power, any number of VMs on.
const n = 5;
const m = 2;
const cost = [10, 3, 5, 1, 9];
const size = [10, 5, 3, 6, 7];
const capa = [15, 30];
const idle = [100, 50];
const wattsPerLoad = [8, 2];

var bool on[1..n];
var int host[1..n] in 0..m;
var int load[1..m] in 0..sum(size);
var bool used[1..m];
var int power[1..m] in 0..1000;
var int profit = sum(i in 1..n) cost[i] * on[i];

constraint "on means placed": forall(i in 1..n) (on[i] <-> host[i] != 0);
constraint "loads": binPacking(host, size, load);
constraint "capacity": forall(s in 1..m) load[s] <= capa[s];
constraint "a server is used when it hosts load": forall(s in 1..m) (used[s] <-> load[s] > 0);
constraint "power": forall(s in 1..m) power[s] == used[s] * (idle[s] + wattsPerLoad[s] * load[s]);
maximize 10 * profit - sum(power);

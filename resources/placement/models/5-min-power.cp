// Question 5: a server that hosts at least one VM draws its power: power[s] for server s,
// and the "server" 0 (not placed) draws nothing. Exactly nbOn VMs must run:
// place them so that the servers draw the least power in total.
const n = 5;
const m = 2;
const size = [10, 5, 3, 6, 7];
const capa = [15, 30];
const power[0..m] = [0, 200, 100];
const nbOn = 3;

var bool on[1..n];
var int host[1..n] in 0..m;
var int load[1..m] in 0..sum(size);
// server s draws power[s] when some VM is on it (a reified condition used as a number: 0 or 1)
var int totalPower = sum(s in 0..m) power[s] * exists(i in 1..n) (host[i] == s);

constraint "on means placed": forall(i in 1..n) (on[i] <-> host[i] != 0);
constraint "loads": binPacking(host, size, load);
constraint "capacity": forall(s in 1..m) load[s] <= capa[s];
constraint "exactly nbOn VMs on": sum(on) == nbOn;
minimize totalPower;

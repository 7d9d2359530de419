// Question 2: exactly nbOn VMs are on. List every way to choose them (hvlab model 2-exactly-nbOn.cp --all).
const n = 5;
const cost = [10, 3, 5, 1, 9];
const nbOn = 3;

var bool on[1..n];
var int profit = sum(i in 1..n) cost[i] * on[i];

constraint "exactly nbOn VMs on": sum(on) == nbOn;

// Question 3: with exactly nbOn VMs on, which choice makes the most profit?
const n = 5;
const cost = [10, 3, 5, 1, 9];
const nbOn = 3;

var bool on[1..n];
var int profit = sum(i in 1..n) cost[i] * on[i];

constraint "exactly nbOn VMs on": sum(on) == nbOn;
maximize profit;

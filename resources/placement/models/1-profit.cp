// Question 1: a provider runs five VMs; VM i pays cost[i] when it is on.
// Which VMs should be on to make the most profit?  (hvlab model 1-profit.cp)
const n = 5;
const cost = [10, 3, 5, 1, 9];

var bool on[1..n];                                  // on[i]: VM i runs
var int profit = sum(i in 1..n) cost[i] * on[i];    // a defined variable

maximize profit;

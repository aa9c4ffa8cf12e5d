// The "branch" icon: a decision (a diamond).
export const BranchIcon = "M12 2 22 12 12 22 2 12 12 2zm0 2.8L4.8 12 12 19.2 19.2 12 12 4.8z";

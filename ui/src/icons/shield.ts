// The "shield" icon: cutting a machine off the network (a closed shield).
export const ShieldIcon = "M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3zm0 2.2 6 2.2V11c0 3.9-2.5 7.6-6 8.9-3.5-1.3-6-5-6-8.9V6.4l6-2.2zM11 7v6h2V7h-2zm0 7.5v2h2v-2h-2z";

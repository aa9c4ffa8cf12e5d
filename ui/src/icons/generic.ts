// The "generic" icon: any kind whose icon this build does not draw (a rounded square with a dot).
export const GenericIcon = "M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm0 2v14h14V5H5zm7 4a3 3 0 1 1 0 6 3 3 0 0 1 0-6z";

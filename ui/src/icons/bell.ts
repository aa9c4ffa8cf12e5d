// The "bell" icon: a new alert arrives (the alert trigger).
export const BellIcon = "M12 2a1.5 1.5 0 0 0-1.5 1.5v.7A6.5 6.5 0 0 0 5.5 10.5V15l-2 2.5V19h17v-1.5l-2-2.5v-4.5a6.5 6.5 0 0 0-5-6.3v-.7A1.5 1.5 0 0 0 12 2zm0 4a4.5 4.5 0 0 1 4.5 4.5v5.2l.9 1.3H6.6l.9-1.3v-5.2A4.5 4.5 0 0 1 12 6zm-2.5 14a2.5 2.5 0 0 0 5 0h-5z";

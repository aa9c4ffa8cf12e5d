// The "alert" icon: reading an alert (a magnifier over a warning sign).
export const AlertIcon = "M10.5 3a7.5 7.5 0 1 0 4.6 13.4l4.5 4.5 1.4-1.4-4.5-4.5A7.5 7.5 0 0 0 10.5 3zm0 2a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11zm-1 2v4.5h2V7h-2zm0 5.5v2h2v-2h-2z";

// The "hand" icon: started by hand (Run now).
export const HandIcon = "M9 2.5a1.5 1.5 0 0 1 3 0V10h1V4a1.5 1.5 0 0 1 3 0v6h1V6a1.5 1.5 0 0 1 3 0v8.5c0 4.1-3 7.5-7 7.5-2.7 0-4.4-1.2-5.8-3.1L3.6 14.6a1.5 1.5 0 0 1 2.3-1.9L8 15V4.5l1-2z";

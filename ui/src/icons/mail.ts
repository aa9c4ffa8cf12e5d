// The "mail" icon: sending an email (an envelope).
export const MailIcon = "M3 5h18v14H3V5zm2 2v.5l7 4.5 7-4.5V7H5zm14 2.9-7 4.5-7-4.5V17h14V9.9z";

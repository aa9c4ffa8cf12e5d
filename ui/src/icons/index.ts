//! The icon set node kinds name in their spec (`NodeKindSpec.icon`, from the Rust registry): one
//! file per icon, each an SVG path on a 24×24 grid filled with the current colour. Adding an icon:
//! write `<name>.ts` exporting its path and add it to `ICONS` below. A name this build does not
//! know draws `generic`, so a new kind never breaks a card.
import { AlertIcon } from "./alert";
import { BellIcon } from "./bell";
import { BranchIcon } from "./branch";
import { ClockIcon } from "./clock";
import { GenericIcon } from "./generic";
import { HandIcon } from "./hand";
import { MailIcon } from "./mail";
import { ShieldIcon } from "./shield";
import { UnshieldIcon } from "./unshield";

export const ICONS: Readonly<Record<string, string>> = {
  alert: AlertIcon,
  bell: BellIcon,
  branch: BranchIcon,
  clock: ClockIcon,
  generic: GenericIcon,
  hand: HandIcon,
  mail: MailIcon,
  shield: ShieldIcon,
  unshield: UnshieldIcon,
};

/** The path of an icon by name, or the generic one when the name is unknown. */
export function iconPath(name: string | undefined): string {
  return (name !== undefined && Object.hasOwn(ICONS, name) ? ICONS[name] : undefined) ?? GenericIcon;
}

export function hasIcon(name: string): boolean {
  return Object.hasOwn(ICONS, name);
}

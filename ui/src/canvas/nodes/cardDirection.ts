import { createContext, useContext } from "react";
import type { LayoutDirection } from "../../state/layout";

/** Which way the cards' handles face: inputs on top and outputs below (TB), or left and right. */
export const CardDirection = createContext<LayoutDirection>("TB");

export function useCardDirection(): LayoutDirection {
  return useContext(CardDirection);
}

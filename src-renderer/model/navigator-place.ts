// Where the viewer's navigator (the mini-map) sits: bottom right (where it
// starts), top right, or hidden. V or the toolbar's Map button moves it on;
// the choice is remembered on this machine.

import { RememberedChoice } from './remembered-choice.ts';

export const NAVIGATOR_PLACES = ['bottom-right', 'top-right', 'hidden'] as const;
export type NavigatorPlace = (typeof NAVIGATOR_PLACES)[number];

export const navigatorPlace = new RememberedChoice<NavigatorPlace>('smearlab.navigatorPlace', NAVIGATOR_PLACES, 'bottom-right');

/**
 * A stable colour per VM for the placement pictures: the hue comes from the VM's id, so a VM keeps its
 * colour between "now", "proposed" and every frame of the packing animation.
 */
export function vmColour(vmId: string): string {
  let h = 0;
  for (const c of vmId) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${(h * 47) % 360} 55% 55%)`;
}

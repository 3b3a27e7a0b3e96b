package sh.kaiten.sdk;

import java.util.List;

/** Where the usage pipeline takes the check tallies it sends with its batches. */
interface TallySource {

  /**
   * The tallies counted so far and not yet taken, each taken once.
   *
   * @param currentMinute also the minute still running (at a flush or a close), not only finished
   *     ones
   */
  List<CheckTally> drain(boolean currentMinute);
}

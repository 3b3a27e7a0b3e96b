package sh.kaiten.sdk;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Queued reports on disk, so a report outlives the process that made it (a {@code kill -9}
 * included) and is delivered, once, by the next client started on the same directory.
 *
 * <p>The directory holds {@code kaiten.lock}, locked ({@link FileLock}) by the one client using it,
 * and segments {@code usage-<n>.spool}: files of a fixed size, memory-mapped, filled in order of n.
 * A segment starts with a 16-byte header ({@code KSPOOL1\n}, then the offset below which every
 * report is settled, a big-endian long) and holds one line per report: {@code <key> <epoch millis>
 * <entitlement, URL-encoded> <value> <crc32 of the rest, hex>\n}.
 *
 * <p>Appending takes no lock: a report reserves its bytes with one atomic add and copies its line
 * into the mapping. A write to a shared mapping is in the page cache at once, and the page cache
 * outlives a killed process; there is no fsync per report, so a power loss or a kernel crash may
 * lose the last seconds of reports. A line reserved but not wholly written when the process died
 * fails its CRC and is skipped at the next start. The sender keeps a spare segment ready, created
 * and written through once so that no append takes a page fault; the thread whose reservation
 * crosses the end of a segment puts the spare in its place (or, if the sender fell behind, creates
 * one), and others crossing it meanwhile yield for that moment.
 *
 * <p>Reports are settled as their answers come, not always in file order: a segment keeps the
 * settled ranges beyond its watermark and moves the watermark over them, writing it to the header,
 * so a restart sends only what is not settled (a few reports settled past a gap may be sent again;
 * their keys make that harmless). A segment full and settled to its end is deleted. Past {@code
 * maxBytes} no segment is opened: reports wait in memory only until the spool drains, and {@link
 * #takeFullNotice} says so once. On Windows a mapped file cannot be deleted: it is then deleted by
 * the next start, as settled.
 *
 * <p>Only the sender thread settles, commits, prepares the spare and reads the restored reports;
 * any thread appends.
 */
final class Spool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KaitenClient.class.getName());
  static final int HEADER = 16;
  private static final byte[] MAGIC = "KSPOOL1\n".getBytes(StandardCharsets.US_ASCII);
  private static final int SMALLEST_SEGMENT = 4096;
  private static final int LARGEST_SEGMENT = 1 << 20;

  /** The smallest page size there is: writing one byte every this many touches every page. */
  private static final int PAGE = 4096;

  static final String LOCK_FILE = "kaiten.lock";
  private static final Pattern SEGMENT_FILE = Pattern.compile("usage-(\\d{1,18})\\.spool");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final Path directory;
  private final long maxBytes;
  private final int capacity;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Runnable wakeSender;
  private final AtomicLong nextNumber;

  /** Bytes of the segment files that exist. */
  private final AtomicLong bytes = new AtomicLong();

  private final Queue<Segment> segments = new ConcurrentLinkedQueue<>();
  private final List<QueuedReport> restored = new ArrayList<>();
  private final AtomicBoolean full = new AtomicBoolean();
  private volatile boolean fullNotice;

  /**
   * Whether creating a segment failed last time, so a failing disk is logged once, not on every
   * try.
   */
  private volatile boolean createFailing;

  /** The segment that takes over when the current one is full, ready before it is needed. */
  private final AtomicReference<Segment> spare = new AtomicReference<>();

  /** Where reports are appended; null while the spool is full (or closed). */
  private volatile Segment current;

  private volatile boolean closed;

  private Spool(
      Path directory, long maxBytes, FileChannel lockChannel, FileLock lock, Runnable wakeSender)
      throws IOException {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.capacity = (int) Math.max(SMALLEST_SEGMENT, Math.min(LARGEST_SEGMENT, maxBytes / 4));
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.wakeSender = wakeSender;
    this.nextNumber = new AtomicLong(restore() + 1);
    Segment first = createSegment();
    if (first == null) {
      becameFull();
    }
    this.current = first;
  }

  /**
   * The spool in {@code directory}, locked for this client, with the reports a former process left
   * in it ({@link #restored}).
   *
   * @param wakeSender run (on an appending thread) when the sender has spool work: a spare to
   *     prepare, a full spool to tell
   * @throws IOException when another client holds the directory, or it cannot be read
   */
  static Spool open(Path directory, long maxBytes, Runnable wakeSender) throws IOException {
    Files.createDirectories(directory);
    Path lockFile = directory.resolve(LOCK_FILE);
    FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new IOException(
          "the spool directory "
              + directory
              + " is in use by another Kaiten client in this"
              + " process (it holds "
              + lockFile
              + "); give each client its own spool directory",
          e);
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          "the spool directory "
              + directory
              + " is in use by another Kaiten client (another"
              + " process holds "
              + lockFile
              + "); give each client its own spool directory");
    }
    try {
      return new Spool(directory, maxBytes, channel, lock, wakeSender);
    } catch (IOException | RuntimeException e) {
      lock.release();
      channel.close();
      throw e;
    }
  }

  /** The reports former processes left undelivered, oldest segment first, in file order. */
  List<QueuedReport> restored() {
    return Collections.unmodifiableList(restored);
  }

  /**
   * Writes the report's line to the spool and notes where; false when it waits in memory only (the
   * spool is full, closed, or the line is larger than a segment).
   */
  boolean append(QueuedReport report) {
    Segment segment = current;
    if (segment == null) {
      return false;
    }
    byte[] line = line(report);
    if (line.length > capacity - HEADER) {
      LOG.log(
          System.Logger.Level.WARNING,
          "a usage report of {0} bytes does not fit a spool segment; it waits"
              + " in memory only: {1}",
          line.length,
          report);
      return false;
    }
    while (segment != null) {
      long at = segment.reserved.getAndAdd(line.length);
      if (at + line.length <= segment.capacity) {
        segment.write(at, line);
        report.segment = segment;
        report.offset = at;
        report.length = line.length;
        return true;
      }
      if (at <= segment.capacity) {
        roll(segment, at); // the first reservation past the end: this thread opens the next segment
      } else {
        while (current == segment) {
          Thread.yield();
        }
      }
      segment = current;
    }
    return false;
  }

  boolean closed() {
    return closed;
  }

  /** Whether the spool became full since the last call: once per episode. */
  boolean takeFullNotice() {
    if (!fullNotice) {
      return false;
    }
    fullNotice = false;
    return true;
  }

  /** The server answered for the report: its line need not be sent again. Sender thread only. */
  void settled(QueuedReport report) {
    if (report.segment != null) {
      report.segment.settle(report.offset, report.offset + report.length);
    }
  }

  /**
   * Writes each segment's watermark, deletes segments settled to their end, and opens a segment
   * again when a full spool has room. Sender thread only.
   */
  void commit() {
    for (Segment segment : segments) {
      segment.persistWatermark();
      long end = segment.end;
      if (end >= 0 && segment.watermark >= end) {
        delete(segment);
      }
    }
    if (current == null && !closed && full.get()) {
      // A spare made while an appender found no room is the room.
      Segment reopened = spare.getAndSet(null);
      if (reopened == null) {
        reopened = createSegment();
      }
      if (reopened != null) {
        current = reopened;
        full.set(false);
        LOG.log(System.Logger.Level.INFO, "the usage spool {0} has room again", directory);
      }
    }
  }

  /**
   * Stops appending, writes the watermarks, deletes what is settled and releases the directory.
   * Call it once the sender has stopped.
   */
  @Override
  public void close() {
    closed = true;
    Segment segment;
    while ((segment = current) != null) {
      // A reservation past any end seals the segment; the reports reserved before it keep their
      // place.
      long at = segment.reserved.getAndAdd(segment.capacity + 1L);
      if (at <= segment.capacity) {
        segment.end = at;
        current = null;
      } else {
        while (current == segment) {
          Thread.yield();
        }
      }
    }
    Segment unused = spare.getAndSet(null);
    if (unused != null) {
      unused.end = HEADER; // holds nothing: commit deletes it
    }
    commit();
    for (Segment left : segments) {
      try {
        left.channel.close();
      } catch (IOException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "the usage spool segment " + left.file + " could not be closed",
            e);
      }
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the usage spool lock " + directory.resolve(LOCK_FILE) + " could not be released",
          e);
    }
  }

  /**
   * Creates the next spare segment, if there is none and room for one: file creation and page
   * faults happen here, on the sender, not on an appending thread. Sender thread only.
   */
  void prepareSpare() {
    if (spare.get() != null || current == null || closed) {
      return;
    }
    Segment prepared = createSegment();
    if (prepared != null) {
      spare.set(prepared);
    }
  }

  private void roll(Segment finished, long end) {
    finished.end = end;
    Segment next = null;
    try {
      if (!closed) {
        next = spare.getAndSet(null);
        if (next == null) {
          next = createSegment(); // the sender has not caught up: this thread pays for the file
        }
        if (next == null) {
          becameFull();
        }
      }
    } finally {
      current = next;
    }
    wakeSender.run();
  }

  /** A new, empty segment; null when the spool has no room for it, or the file cannot be made. */
  private Segment createSegment() {
    // Room is taken before the file is made: the sender's spare and an appender's roll may both get
    // here at once, and a check-then-add would let both pass the bound.
    if (bytes.addAndGet(capacity) > maxBytes) {
      bytes.addAndGet(-capacity);
      return null;
    }
    Path file = directory.resolve(String.format("usage-%018d.spool", nextNumber.getAndIncrement()));
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
      map.put(0, MAGIC[0]);
      for (int i = 1; i < MAGIC.length; i++) {
        map.put(i, MAGIC[i]);
      }
      map.putLong(MAGIC.length, HEADER);
      Segment segment = new Segment(file, channel, map, capacity, HEADER, -1, HEADER);
      segment.prefault();
      segments.add(segment);
      createFailing = false;
      return segment;
    } catch (IOException e) {
      if (!createFailing) {
        createFailing = true;
        LOG.log(
            System.Logger.Level.ERROR,
            "the usage spool segment "
                + file
                + " could not be created; when the"
                + " current one is full, reports wait in memory only until one can",
            e);
      }
      closeQuietly(channel, file);
      bytes.addAndGet(-capacity);
      return null;
    }
  }

  private void becameFull() {
    if (full.compareAndSet(false, true)) {
      fullNotice = true;
    }
  }

  private void delete(Segment segment) {
    segments.remove(segment);
    bytes.addAndGet(-segment.capacity);
    try {
      segment.channel.close();
      Files.deleteIfExists(segment.file);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the settled usage spool segment "
              + segment.file
              + " could not be"
              + " deleted; the next start deletes it",
          e);
    }
  }

  private static void closeQuietly(FileChannel channel, Path file) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "the unusable usage spool segment " + file + " could not be removed",
          e);
    }
  }

  /**
   * Reads the segments left in the directory into {@link #restored}; returns the highest segment
   * number.
   */
  private long restore() throws IOException {
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory, "usage-*.spool")) {
      for (Path file : listing) {
        Matcher name = SEGMENT_FILE.matcher(file.getFileName().toString());
        if (name.matches()) {
          files.put(Long.parseLong(name.group(1)), file);
        }
      }
    }
    int torn = 0;
    for (Path file : files.values()) {
      torn += restore(file);
    }
    if (torn > 0) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0} incomplete usage report lines in the spool {1} were skipped (a"
              + " process stopped while writing them)",
          torn,
          directory);
    }
    return files.isEmpty() ? 0 : files.lastKey();
  }

  /** Restores one segment's unsettled reports; returns how many torn lines it skipped. */
  private int restore(Path file) throws IOException {
    long size = Files.size(file);
    if (size < HEADER) {
      Files.delete(file); // created, and the process stopped before it held anything
      return 0;
    }
    if (size > Integer.MAX_VALUE) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0} is too large to be a usage spool segment; left alone",
          file);
      return 0;
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    MappedByteBuffer map;
    try {
      map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (map.get(i) != MAGIC[i]) {
        channel.close();
        LOG.log(System.Logger.Level.WARNING, "{0} is not a usage spool segment; left alone", file);
        return 0;
      }
    }
    long watermark = map.getLong(MAGIC.length);
    if (watermark < HEADER || watermark > size) {
      watermark = HEADER;
    }
    Segment segment = new Segment(file, channel, map, (int) size, size, size, watermark);
    bytes.addAndGet(size);
    segments.add(segment);
    int torn = 0;
    long settledFrom = watermark;
    int lineStart = (int) watermark;
    for (int i = lineStart; i < size; i++) {
      byte b = map.get(i);
      if (b != '\n' && b != 0) {
        continue;
      }
      if (i > lineStart) {
        QueuedReport report = b == '\n' ? parse(map, lineStart, i) : null;
        if (report == null) {
          torn++;
        } else {
          // What lies between two reports (zeros, a torn line) is settled: nothing to deliver
          // there.
          segment.settle(settledFrom, lineStart);
          report.segment = segment;
          report.offset = lineStart;
          report.length = i + 1 - lineStart;
          restored.add(report);
          settledFrom = i + 1;
        }
      }
      lineStart = i + 1;
    }
    segment.settle(settledFrom, size);
    return torn;
  }

  /**
   * The report of the line in {@code [start, end)}, or null when it is not a whole, intact line.
   */
  private static QueuedReport parse(ByteBuffer map, int start, int end) {
    byte[] bytes = new byte[end - start];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = map.get(start + i);
    }
    int crcAt = lastSpace(bytes, bytes.length);
    if (crcAt < 0 || bytes.length - crcAt - 1 != 8) {
      return null;
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, crcAt);
    String text = new String(bytes, 0, crcAt, StandardCharsets.ISO_8859_1);
    String[] fields = text.split(" ", -1);
    try {
      long written =
          Long.parseLong(new String(bytes, crcAt + 1, 8, StandardCharsets.ISO_8859_1), 16);
      if (written != crc.getValue() || fields.length != 4 || !KEY.matcher(fields[0]).matches()) {
        return null;
      }
      return new QueuedReport(
          fields[0],
          Long.parseLong(fields[1]),
          URLDecoder.decode(fields[2], StandardCharsets.UTF_8),
          new BigDecimal(fields[3]));
    } catch (
        IllegalArgumentException
            e) { // NumberFormatException too: a line the CRC let through by chance
      return null;
    }
  }

  private static int lastSpace(byte[] bytes, int end) {
    for (int i = end - 1; i >= 0; i--) {
      if (bytes[i] == ' ') {
        return i;
      }
    }
    return -1;
  }

  /** The report's spool line, ASCII: {@code key millis entitlement value crc32\n}. */
  static byte[] line(QueuedReport report) {
    StringBuilder text = new StringBuilder(64 + report.entitlement.length());
    text.append(report.idempotencyKey).append(' ').append(report.timestamp).append(' ');
    String entitlement = report.entitlement;
    text.append(
        plain(entitlement) ? entitlement : URLEncoder.encode(entitlement, StandardCharsets.UTF_8));
    text.append(' ').append(report.value.toString());
    int crcAt = text.length();
    text.append(" 00000000\n");
    byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, crcAt);
    long value = crc.getValue();
    for (int i = 0; i < 8; i++) {
      bytes[crcAt + 8 - i] = (byte) Character.forDigit((int) (value >>> (4 * i)) & 0xf, 16);
    }
    return bytes;
  }

  /** Whether the name needs no encoding: what URL decoding leaves as it is. */
  private static boolean plain(String entitlement) {
    for (int i = 0; i < entitlement.length(); i++) {
      char c = entitlement.charAt(i);
      if (!(c >= 'a' && c <= 'z'
          || c >= '0' && c <= '9'
          || c == '-'
          || c >= 'A' && c <= 'Z'
          || c == '_'
          || c == '.')) {
        return false;
      }
    }
    return !entitlement.isEmpty();
  }

  /** One segment file, mapped. */
  static final class Segment {
    final Path file;
    final FileChannel channel;
    private final MappedByteBuffer map;
    final int capacity;

    /** Where the next reservation starts; past {@link #capacity} once the segment is finished. */
    final AtomicLong reserved;

    /** Where its reports end once no more will be added; -1 until then. */
    volatile long end;

    // Sender thread only: every report before the watermark is settled; settled ranges past it,
    // start to end.
    long watermark;
    private long persisted;
    private final TreeMap<Long, Long> settledPastWatermark = new TreeMap<>();

    Segment(
        Path file,
        FileChannel channel,
        MappedByteBuffer map,
        int capacity,
        long reserved,
        long end,
        long watermark) {
      this.file = file;
      this.channel = channel;
      this.map = map;
      this.capacity = capacity;
      this.reserved = new AtomicLong(reserved);
      this.end = end;
      this.watermark = watermark;
      this.persisted = watermark;
    }

    /** Writes every page once, so appends find them in memory, mapped. */
    void prefault() {
      for (int at = PAGE; at < capacity; at += PAGE) {
        map.put(at, (byte) 0);
      }
    }

    void write(long at, byte[] line) {
      ByteBuffer view = map.duplicate();
      view.position((int) at);
      view.put(line);
    }

    void settle(long start, long end) {
      if (end <= start) {
        return;
      }
      if (start != watermark) {
        settledPastWatermark.put(start, end);
        return;
      }
      watermark = end;
      Long next;
      while ((next = settledPastWatermark.remove(watermark)) != null) {
        watermark = next;
      }
    }

    void persistWatermark() {
      if (watermark != persisted) {
        map.putLong(MAGIC.length, watermark);
        persisted = watermark;
      }
    }
  }
}

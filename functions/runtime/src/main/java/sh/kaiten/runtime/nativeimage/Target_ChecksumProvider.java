package sh.kaiten.runtime.nativeimage;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;
import software.amazon.awssdk.checksums.SdkChecksum;
import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;

/**
 * The AWS SDK computes CRC32C, CRC64NVME and XXHash with the optional aws-crt jar when it is on the
 * class path, and refers to the CRT classes by name. We do not ship the CRT, and native-image links
 * every referenced class at build time: in the image these lookups answer as the SDK does without
 * the CRT (CRC32C falls back to the JDK's; the others fail naming the missing module), without
 * naming classes that are absent. Only native-image reads this class (members must all be
 * annotated, so no constants or constructors of its own).
 */
@TargetClass(className = "software.amazon.awssdk.checksums.internal.ChecksumProvider")
final class Target_ChecksumProvider {

  @Substitute
  static SdkChecksum createCrtCrc32C() {
    return null;
  }

  @Substitute
  static SdkChecksum crc64NvmeCrtImplementation() {
    throw new IllegalStateException(
        "CRC64NVME needs the software.amazon.awssdk.crt:aws-crt module");
  }

  @Substitute
  static SdkChecksum crtXxHash(ChecksumAlgorithm algorithm) {
    throw new IllegalStateException(
        algorithm.algorithmId() + " needs the software.amazon.awssdk.crt:aws-crt module");
  }
}

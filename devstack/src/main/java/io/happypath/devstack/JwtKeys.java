package io.happypath.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * The RSA key pair that signs local bearer tokens: {@value #PRIVATE_KEY_FILE} (PKCS#8) and {@value #PUBLIC_KEY_FILE}
 * (X.509 SubjectPublicKeyInfo), both PEM, in one directory. Services verify tokens with the public key
 * ({@code mp.jwt.verify.publickey.location}); {@link Tokens} signs them with the private key.
 *
 * @param privateKeyPem the private key file
 * @param publicKeyPem the public key file
 */
public record JwtKeys(Path privateKeyPem, Path publicKeyPem) {

    /** File name of the private key. */
    public static final String PRIVATE_KEY_FILE = "privateKey.pem";
    /** File name of the public key. */
    public static final String PUBLIC_KEY_FILE = "publicKey.pem";

    static final String LOCK_FILE = ".lock";

    private static final int KEY_SIZE = 2048;
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /**
     * Returns the key pair in {@code dir}, first generating an RSA-2048 pair if either file is missing. The directory and
     * the files are created readable by their owner only where the file system supports POSIX permissions.
     *
     * @throws UncheckedIOException if the directory or the files cannot be created
     */
    public static JwtKeys ensureKeyPair(Path dir) {
        JwtKeys keys = new JwtKeys(dir.resolve(PRIVATE_KEY_FILE), dir.resolve(PUBLIC_KEY_FILE));
        if (keys.exist()) {
            return keys;
        }
        try {
            createPrivateDirectory(dir);
            // Two launcher commands may run at once; without the lock each could write half of a different pair.
            synchronized (JwtKeys.class) {
                try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                        FileLock lock = channel.lock()) {
                    if (!keys.exist()) {
                        keys.generate();
                    }
                }
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a JWT key pair in " + dir, e);
        }
    }

    /** Reads the private key. */
    public PrivateKey privateKey() {
        return loadPrivateKey(privateKeyPem);
    }

    /** Reads the public key. */
    public PublicKey publicKey() {
        return loadPublicKey(publicKeyPem);
    }

    /**
     * Reads an RSA private key from a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}).
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no such key
     */
    public static PrivateKey loadPrivateKey(Path pem) {
        byte[] der = readPem(pem, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + " does not hold an RSA private key in PKCS#8 form", e);
        }
    }

    /**
     * Reads an RSA public key from an X.509 SubjectPublicKeyInfo PEM file ({@code -----BEGIN PUBLIC KEY-----}).
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it holds no such key
     */
    public static PublicKey loadPublicKey(Path pem) {
        byte[] der = readPem(pem, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + " does not hold an RSA public key in X.509 form", e);
        }
    }

    private boolean exist() {
        return Files.isRegularFile(privateKeyPem) && Files.isRegularFile(publicKeyPem);
    }

    private void generate() throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(KEY_SIZE);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot generate RSA keys", e);
        }
        // The public key goes first and comes back last: a directory holding both files always holds a matching pair.
        Files.deleteIfExists(publicKeyPem);
        writePem(privateKeyPem, "PRIVATE KEY", pair.getPrivate().getEncoded());
        writePem(publicKeyPem, "PUBLIC KEY", pair.getPublic().getEncoded());
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (supportsPosix(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                return;
            } catch (FileAlreadyExistsException raced) {
                return;
            }
        }
        Files.createDirectories(dir);
    }

    /** Writes to a temporary file first, so that a reader never sees half a key. */
    private static void writePem(Path file, String type, byte[] der) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Path dir = file.toAbsolutePath().getParent();
        FileAttribute<?>[] attributes = supportsPosix(dir)
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp", attributes);
        try {
            Files.writeString(temp, pem, StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static byte[] readPem(Path pem, String type) {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pem, e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(pem + " is not a PEM file with a '" + begin + "' block");
        }
        String base64 = text.substring(from + begin.length(), to).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pem + " holds invalid Base64 in its '" + begin + "' block", e);
        }
    }

    private static boolean supportsPosix(Path path) {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}

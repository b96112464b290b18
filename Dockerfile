# Dispatch's image: build with Maven on a JDK, run the layered jar on a JRE as a non-root user.
#
#   docker build -t dispatch:0.1.0 .
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp dispatch:0.1.0
#
# Base images are build arguments, pinned to a release (never `latest`): override them to follow
# security updates or to use a mirror. `ImageLayoutIT` runs the extract step and the entrypoint
# below on the built jar in CI, where no Docker engine is available.
ARG BUILD_IMAGE=maven:3.9.11-eclipse-temurin-25-noble
ARG RUNTIME_IMAGE=eclipse-temurin:25.0.3_9-jre-noble

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Dependencies first, so that a change to the sources reuses their layer.
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src ./src
RUN ./mvnw -B -ntp -q -DskipTests package \
 && cp target/dispatch-*.jar /dispatch.jar \
 && java -Djarmode=tools -jar /dispatch.jar extract --layers --launcher --destination /extracted

FROM ${RUNTIME_IMAGE}
WORKDIR /app
# One layer each, least to most often changed: third-party jars, Spring Boot's launcher,
# snapshot jars, the application's own classes.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# A numeric user that owns nothing in the image: Kubernetes can check runAsNonRoot against it.
USER 10001:10001
EXPOSE 8080
# Native access: Netty's epoll transport, which Lettuce uses for Redis.
# The JVM sizes its heap from the container's memory limit. /tmp is the only path written (Jetty's
# work directory); mount a tmpfs or emptyDir there when the root filesystem is read-only.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "org.springframework.boot.loader.launch.JarLauncher"]
